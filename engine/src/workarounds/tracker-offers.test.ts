import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { loadBrowserBundle } from '../contract/browser-bundle.js'
import { upstreamClasses } from '../contract/classes.js'
import { offerWhileConnecting } from './tracker-offers.js'

type Offer = { offer: unknown; offer_id: string }

/** The parts of bittorrent-tracker's WebSocketTracker the patch touches; offers take a tick to make. */
class FakeWebSocketTracker {
  destroyed = false
  socket = { connected: false }
  made: number[] = []
  _generateOffers(numwant: number, callback: (offers: Offer[]) => void) {
    this.made.push(numwant)
    setTimeout(
      () =>
        callback(
          Array.from({ length: numwant }, (_, i) => ({ offer: `sdp ${this.made.length}.${i}`, offer_id: String(i) })),
        ),
      1,
    )
  }
  /** A non-trickle simple-peer: its connection, and the flag and event that end its wait for candidates. */
  _createPeer() {
    const pc = Object.assign(new EventTarget(), {
      getConfiguration: () => ({}),
      localDescription: { sdp: 'a=candidate:1 1 udp 2113937151 192.0.2.2 45169 typ host' },
    })
    return {
      destroyed: false,
      _iceComplete: false,
      _pc: pc,
      ended: 0,
      emit(event: string) {
        if (event === '_iceComplete') this.ended++
      },
    }
  }
}
const announceOffers = (tracker: { _generateOffers: FakeWebSocketTracker['_generateOffers'] }, numwant: number) =>
  new Promise<Offer[]>((resolve) => tracker._generateOffers(numwant, resolve))

// The browser bundle's own WebSocketTracker class, making real offers (on Node's WebRTC here).
await loadBrowserBundle()
const { WebSocketTracker: BundleTracker } = await upstreamClasses('browser')

describe('offers made while the tracker connects', () => {
  it('starts the offers before the socket connects, and the announce sends those', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const tracker = new FakeWebSocketTracker()
    offerWhileConnecting(tracker)
    assert.deepEqual(tracker.made, [5])
    tracker.socket.connected = true
    context.mock.timers.tick(1)
    const offers = await announceOffers(tracker, 5)
    assert.deepEqual(tracker.made, [5], 'no second set of offers')
    assert.equal(offers[0]!.offer, 'sdp 1.0')
    // The next announce makes fresh offers, as before.
    const next = announceOffers(tracker, 5)
    context.mock.timers.tick(1)
    await next
    assert.deepEqual(tracker.made, [5, 5])
  })

  it('leaves connected trackers alone, and makes fresh offers when fewer are wanted', async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const connected = new FakeWebSocketTracker()
    connected.socket.connected = true
    offerWhileConnecting(connected)
    assert.deepEqual(connected.made, [])

    const connecting = new FakeWebSocketTracker()
    offerWhileConnecting(connecting)
    offerWhileConnecting(connecting)
    assert.deepEqual(connecting.made, [5], 'one early set per connection')
    const fewer = announceOffers(connecting, 2)
    context.mock.timers.tick(1)
    // The early offers settle before the announce makes its two.
    await new Promise(setImmediate)
    context.mock.timers.tick(1)
    assert.equal((await fewer).length, 2)
  })

  it("sends each peer's offer or answer once its candidates have arrived", (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const tracker = new FakeWebSocketTracker()
    offerWhileConnecting(tracker)
    const peer = tracker._createPeer()
    peer._pc.dispatchEvent(
      Object.assign(new Event('icecandidate'), {
        candidate: { candidate: 'candidate:1 1 udp 2113937151 192.0.2.2 45169 typ host' },
      }),
    )
    context.mock.timers.tick(50)
    assert.equal(peer.ended, 1)
  })

  it("makes the browser bundle's real tracker offer while it connects, and announce with those offers", async () => {
    const client = { _rtcConfig: { iceServers: [] }, _wrtc: undefined, emit() {}, update() {} }
    // The class's own methods, with the fields its constructor would set (it would open a socket).
    const tracker = Object.assign(Object.create(BundleTracker.prototype) as object, {
      destroyed: false,
      socket: { connected: false },
      client,
      peers: {},
    })
    const { peers } = tracker as { peers: Record<string, { destroy(): void }> }
    offerWhileConnecting(tracker)
    assert.equal(Object.keys(peers).length, 5, 'five peers offering before the socket connects')
    const offers = await announceOffers(tracker as unknown as FakeWebSocketTracker, 5)
    assert.equal(offers.length, 5)
    assert.equal(Object.keys(peers).length, 5, 'the announce made no new ones')
    for (const offer of offers) assert.match(String((offer.offer as { sdp?: string }).sdp), /^v=0/)
    for (const peer of Object.values(peers)) peer.destroy()
  })
})
