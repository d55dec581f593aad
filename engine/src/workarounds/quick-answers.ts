import { patchClass } from '../check.js'

/*
 * Node's WebRTC (libdatachannel, through webrtc-polyfill) now and then refuses a well-formed answer
 * to one of its offers, "Got a remote candidate without ICE transport", when the answer comes back
 * within milliseconds of the offer, as it does between peers on one machine. The connection is then
 * gone, and the other side keeps its half of it until ICE gives up: a browser's first connection to
 * a hybrid node took ~11 s in about one try in seven (3 of 20, 2 of 25 here). Giving the offer
 * ANSWER_AFTER_MS before its answer is applied avoided it in 60 tries of 60.
 *
 * It still happens about once in a hundred (a browser sender's first connection to a hybrid receiver
 * then took 2.8, 10 or 36 s: until the next announce of either side). So an offer whose answer cannot
 * be applied also makes the tracker client announce again at once, with fresh offers, and again a
 * moment later if those are refused too.
 */

type SignalingPeer = {
  signal(data: unknown): void
  once(event: 'error', listener: (err: Error & { code?: string }) => void): unknown
  once(event: 'signal', listener: () => void): unknown
}
type WebSocketTracker = {
  destroyed?: boolean
  client: { update(): void }
  _createPeer(opts?: { initiator?: boolean }): SignalingPeer
}

export const ANSWER_AFTER_MS = 50
/**
 * At most one announce per tracker this often for refused answers (a burst of them needs one); a
 * refusal inside the gap announces at its end. Dropping it instead left a browser's first contact
 * waiting 7 s for the next periodic announce when the fresh offers' answers were refused too.
 */
export const REANNOUNCE_GAP_MS = 250
const lastReannounceAt = new WeakMap<WebSocketTracker, number>()
const pendingReannounce = new WeakSet<WebSocketTracker>()

/** Changes a WebSocket tracker's class (once, for all of them). */
export function delayQuickAnswers(tracker: object): void {
  patchClass<WebSocketTracker>('quick-answers', 'bittorrent-tracker WebSocketTracker', tracker, (prototype) => {
    const createPeer = prototype._createPeer
    prototype._createPeer = function (this: WebSocketTracker, opts) {
      const peer = createPeer.call(this, opts)
      if (opts?.initiator) {
        // Counted from the offer being ready: on a busy machine gathering its candidates took ~40 ms of
        // the 50 when counted from the connection's creation, and the answer was refused all the same.
        let answerFrom = Date.now() + ANSWER_AFTER_MS
        peer.once('signal', () => (answerFrom = Date.now() + ANSWER_AFTER_MS))
        const signal = peer.signal.bind(peer)
        peer.signal = (data) => {
          const wait = answerFrom - Date.now()
          if (wait > 0) setTimeout(() => signal(data), wait)
          else signal(data)
        }
        peer.once('error', (err) => {
          if (err.code === 'ERR_SET_REMOTE_DESCRIPTION') announceAgain(this)
        })
      }
      return peer
    }
  })
}

function announceAgain(tracker: WebSocketTracker): void {
  if (tracker.destroyed || pendingReannounce.has(tracker)) return
  const wait = (lastReannounceAt.get(tracker) ?? -Infinity) + REANNOUNCE_GAP_MS - Date.now()
  if (wait > 0) {
    pendingReannounce.add(tracker)
    setTimeout(() => {
      pendingReannounce.delete(tracker)
      announceAgain(tracker)
    }, wait)
    return
  }
  lastReannounceAt.set(tracker, Date.now())
  tracker.client.update()
}
