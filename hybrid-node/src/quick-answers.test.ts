import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EventEmitter } from 'node:events'
import { ANSWER_AFTER_MS, delayQuickAnswers } from './quick-answers.js'

/** The part of bittorrent-tracker's WebSocketTracker the patch wraps; its peers record when they are signalled. */
class FakeWebSocketTracker {
  destroyed = false
  readonly client = { updates: 0, update() { this.updates++ } }
  _createPeer(opts?: { initiator?: boolean }) {
    const createdAt = Date.now()
    // bittorrent-tracker listens for a peer's errors itself (it reports them as warnings).
    const peer = new EventEmitter().on('error', () => {})
    return Object.assign(peer, { initiator: !!opts?.initiator, signalledAfter: [] as number[], signal(this: { signalledAfter: number[] }) { this.signalledAfter.push(Date.now() - createdAt) } })
  }
}

const refused = () => Object.assign(new Error('libdatachannel error while adding remote description: Got a remote candidate without ICE transport'), { code: 'ERR_SET_REMOTE_DESCRIPTION' })

describe('quick answers', () => {
  it("applies an answer to the node's own offer no sooner than ANSWER_AFTER_MS after the offer", async () => {
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers({ _trackers: [tracker, {}] })
    delayQuickAnswers({ _trackers: [tracker] })
    const offer = tracker._createPeer({ initiator: true })
    offer.signal.call(offer)
    assert.deepEqual(offer.signalledAfter, [])
    await new Promise((resolve) => setTimeout(resolve, ANSWER_AFTER_MS + 20))
    assert.equal(offer.signalledAfter.length, 1, 'applied once, after the wait')
    assert.ok(offer.signalledAfter[0]! >= ANSWER_AFTER_MS - 1)
    offer.signal.call(offer)
    assert.equal(offer.signalledAfter.length, 2, 'later signals go straight through')
  })

  it('leaves the answers the node makes to offers it receives alone', () => {
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers({ _trackers: [tracker] })
    const answering = tracker._createPeer({})
    answering.signal.call(answering)
    assert.equal(answering.signalledAfter.length, 1)
  })

  it('announces again at once when an answer to its offer is refused, at most once a second', () => {
    const tracker = new FakeWebSocketTracker()
    delayQuickAnswers({ _trackers: [tracker] })
    const [first, second] = [tracker._createPeer({ initiator: true }), tracker._createPeer({ initiator: true })]
    first.emit('error', refused())
    assert.equal(tracker.client.updates, 1)
    second.emit('error', refused())
    assert.equal(tracker.client.updates, 1, 'a burst of refusals makes one announce')
    tracker._createPeer({ initiator: true }).emit('error', new Error('connection failed'))
    tracker._createPeer({}).emit('error', refused())
    assert.equal(tracker.client.updates, 1, 'other errors, and peers it answers, do not')
  })
})
