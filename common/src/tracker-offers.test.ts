import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { offerWhileConnecting } from './tracker-offers.js'

/** The parts of bittorrent-tracker's WebSocketTracker the patch touches; offers take a tick to make. */
class FakeWebSocketTracker {
  destroyed = false
  socket = { connected: false }
  made: number[] = []
  _generateOffers(numwant: number, callback: (offers: Array<{ offer: unknown; offer_id: string }>) => void) {
    this.made.push(numwant)
    setTimeout(() => callback(Array.from({ length: numwant }, (_, i) => ({ offer: `sdp ${this.made.length}.${i}`, offer_id: String(i) }))), 1)
  }
  /** A non-trickle simple-peer: its connection, and the flag and event that end its wait for candidates. */
  _createPeer() {
    const pc = Object.assign(new EventTarget(), { getConfiguration: () => ({}) })
    return { destroyed: false, _iceComplete: false, _pc: pc, ended: 0, emit(event: string) { if (event === '_iceComplete') this.ended++ } }
  }
}
const announceOffers = (tracker: FakeWebSocketTracker, numwant: number) => new Promise<unknown[]>((resolve) => tracker._generateOffers(numwant, resolve))

describe('offers made while the tracker connects', () => {
  it('starts the offers before the socket connects, and the announce sends those', async () => {
    const tracker = new FakeWebSocketTracker()
    offerWhileConnecting({ _trackers: [tracker, {}] })
    assert.deepEqual(tracker.made, [5])
    tracker.socket.connected = true
    const offers = await announceOffers(tracker, 5)
    assert.deepEqual(tracker.made, [5], 'no second set of offers')
    assert.equal((offers[0] as { offer: string }).offer, 'sdp 1.0')
    // The next announce makes fresh offers, as before.
    await announceOffers(tracker, 5)
    assert.deepEqual(tracker.made, [5, 5])
  })

  it('leaves connected trackers alone, and makes fresh offers when fewer are wanted', async () => {
    const connected = new FakeWebSocketTracker()
    connected.socket.connected = true
    offerWhileConnecting({ _trackers: [connected] })
    assert.deepEqual(connected.made, [])

    const connecting = new FakeWebSocketTracker()
    offerWhileConnecting({ _trackers: [connecting] })
    offerWhileConnecting({ _trackers: [connecting] })
    assert.deepEqual(connecting.made, [5], 'one early set per connection')
    assert.equal((await announceOffers(connecting, 2)).length, 2)
  })

  it("sends each peer's offer or answer once its candidates have arrived", async () => {
    const tracker = new FakeWebSocketTracker()
    offerWhileConnecting({ _trackers: [tracker] })
    const peer = tracker._createPeer()
    peer._pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: 'candidate:1 1 udp 2113937151 192.0.2.2 45169 typ host' } }))
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal(peer.ended, 1)
  })
})
