import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EventEmitter } from 'node:events'
import { upstreamClasses } from '../contract/classes.js'
import { ANSWER_AFTER_MS, delayQuickAnswers, REANNOUNCE_GAP_MS } from './quick-answers.js'

/** The part of bittorrent-tracker's WebSocketTracker the patch wraps; its peers record when they are signalled. */
class FakeWebSocketTracker {
  destroyed = false
  readonly client = {
    updates: 0,
    update() {
      this.updates++
    },
  }
  _createPeer(opts?: { initiator?: boolean }) {
    const createdAt = Date.now()
    // bittorrent-tracker listens for a peer's errors itself (it reports them as warnings).
    const peer = new EventEmitter().on('error', () => {})
    return Object.assign(peer, {
      initiator: !!opts?.initiator,
      signalledAfter: [] as number[],
      signal(this: { signalledAfter: number[] }) {
        this.signalledAfter.push(Date.now() - createdAt)
      },
    })
  }
}

const refused = () =>
  Object.assign(
    new Error('libdatachannel error while adding remote description: Got a remote candidate without ICE transport'),
    { code: 'ERR_SET_REMOTE_DESCRIPTION' },
  )

describe('quick answers', () => {
  it("applies an answer to the node's own offer no sooner than ANSWER_AFTER_MS after the offer", (context) => {
    context.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers(tracker)
    delayQuickAnswers(tracker)
    const offer = tracker._createPeer({ initiator: true })
    offer.signal.call(offer)
    context.mock.timers.tick(ANSWER_AFTER_MS - 1)
    assert.deepEqual(offer.signalledAfter, [])
    context.mock.timers.tick(1)
    assert.deepEqual(offer.signalledAfter, [ANSWER_AFTER_MS], 'applied once, after the wait')
    offer.signal.call(offer)
    assert.equal(offer.signalledAfter.length, 2, 'later signals go straight through')
  })

  it('leaves the answers the node makes to offers it receives alone', () => {
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers(tracker)
    const answering = tracker._createPeer({})
    answering.signal.call(answering)
    assert.equal(answering.signalledAfter.length, 1)
  })

  it('announces again at once when an answer to its offer is refused, and once more after a gap if refused again', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers(tracker)
    const [first, second] = [tracker._createPeer({ initiator: true }), tracker._createPeer({ initiator: true })]
    first.emit('error', refused())
    assert.equal(tracker.client.updates, 1)
    second.emit('error', refused())
    assert.equal(tracker.client.updates, 1, 'a burst of refusals makes one announce at once')
    tracker._createPeer({ initiator: true }).emit('error', new Error('connection failed'))
    tracker._createPeer({}).emit('error', refused())
    context.mock.timers.tick(REANNOUNCE_GAP_MS - 1)
    assert.equal(tracker.client.updates, 1)
    context.mock.timers.tick(1)
    assert.equal(tracker.client.updates, 2, 'the refusal inside the gap announces at its end, once')
    context.mock.timers.tick(10 * REANNOUNCE_GAP_MS)
    assert.equal(tracker.client.updates, 2, 'other errors, and peers it answers, do not')
  })

  it('waits ANSWER_AFTER_MS from the offer being ready, not from the connection being made', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers(tracker)
    const offer = tracker._createPeer({ initiator: true })
    context.mock.timers.tick(40)
    offer.emit('signal')
    offer.signal.call(offer)
    context.mock.timers.tick(ANSWER_AFTER_MS - 1)
    assert.deepEqual(offer.signalledAfter, [])
    context.mock.timers.tick(1)
    assert.deepEqual(offer.signalledAfter, [40 + ANSWER_AFTER_MS])
  })

  it("announces again when libdatachannel refuses an answer, on the Node build's real tracker class and WebRTC", async () => {
    const { WebSocketTracker } = await upstreamClasses('node')
    const updates: string[] = []
    // The class's own methods, with the fields its constructor would set (it would open a socket).
    const client = {
      _rtcConfig: { iceServers: [] },
      _wrtc: undefined,
      update: () => updates.push('announce'),
      emit() {},
    }
    const tracker = Object.assign(Object.create(WebSocketTracker.prototype) as object, {
      destroyed: false,
      client,
      peers: {},
    }) as unknown as {
      _createPeer(opts: object): {
        signal(data: object): void
        destroy(): void
        once(event: 'error', listener: (err: Error) => void): unknown
      }
    }
    delayQuickAnswers(tracker)
    const offering = tracker._createPeer({ initiator: true })
    const failed = new Promise((resolve) => offering.once('error', resolve))
    offering.signal({ type: 'answer', sdp: 'v=0\r\nnot an answer\r\n' })
    await failed
    assert.deepEqual(updates, ['announce'])
    offering.destroy()
  })
})
