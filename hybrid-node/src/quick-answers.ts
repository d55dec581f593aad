import { patchTrackerClassesOnce } from '@swarmdrop/common'

/*
 * Node's WebRTC (libdatachannel, through webrtc-polyfill) now and then refuses a well-formed answer
 * to one of its offers, "Got a remote candidate without ICE transport", when the answer comes back
 * within milliseconds of the offer, as it does between peers on one machine. The connection is then
 * gone, and the other side keeps its half of it until ICE gives up: a browser's first connection to
 * a hybrid node took ~11 s in about one try in seven (3 of 20, 2 of 25 here). Giving the offer
 * ANSWER_AFTER_MS before its answer is applied avoided it in 60 tries of 60.
 */

type SignalingPeer = { signal(data: unknown): void }
type WebSocketTracker = { _createPeer(opts?: { initiator?: boolean }): SignalingPeer }

const PATCHED = Symbol.for('swarmdrop.delayQuickAnswers')
export const ANSWER_AFTER_MS = 50

/** Patches the WebSocket tracker class of a torrent's tracker client (`torrent.discovery.tracker`) once. */
export function delayQuickAnswers(trackerClient: { _trackers?: unknown[] }): void {
  patchTrackerClassesOnce<WebSocketTracker>(trackerClient, '_createPeer', PATCHED, (prototype) => {
    const createPeer = prototype._createPeer
    prototype._createPeer = function (this: WebSocketTracker, opts) {
      const peer = createPeer.call(this, opts)
      if (opts?.initiator) {
        const answerFrom = Date.now() + ANSWER_AFTER_MS
        const signal = peer.signal.bind(peer)
        peer.signal = (data) => {
          const wait = answerFrom - Date.now()
          if (wait > 0) setTimeout(() => signal(data), wait)
          else signal(data)
        }
      }
      return peer
    }
  })
}
