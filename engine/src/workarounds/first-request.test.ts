import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { firstRequestMostWanted } from './first-request.js'

type Selection = { from: number; to: number; offset: number }

/** A peer that has every piece, and the requests (by piece) it was sent. */
function newWire(overrides: Partial<{ type: string; downloaded: number; peerChoking: boolean }> = {}) {
  return {
    type: 'webrtc',
    downloaded: 0,
    peerChoking: false,
    requests: [] as number[],
    peerPieces: { get: (index: number) => index < 100 },
    ...overrides,
  }
}
type FakeWire = ReturnType<typeof newWire>

/** The fields the patch reads, and a `_request` that takes one block of a piece unless it is fully reserved. */
function withTorrentState<T extends object>(
  torrent: T,
  selections: Selection[],
  critical: number[] = [],
  held: number[] = [],
) {
  const state = {
    done: false,
    pieces: new Array(100),
    _critical: [] as boolean[],
    _selections: { length: selections.length, get: (index: number) => selections[index]! },
    bitfield: { get: (index: number) => held.includes(index) },
    reserved: new Set<number>(),
    webtorrentUpdates: 0,
    _request(wire: FakeWire, index: number) {
      if (state.reserved.has(index)) return false
      wire.requests.push(index)
      return true
    },
  }
  for (const piece of critical) state._critical[piece] = true
  return Object.assign(torrent, state)
}

/** webtorrent's own first request: one block of the last piece of the least wanted selection. */
class FakeTorrent {
  _updateWire(wire: FakeWire) {
    const torrent = this as unknown as ReturnType<typeof withTorrentState<object>>
    torrent.webtorrentUpdates++
    const last = torrent._selections.get(torrent._selections.length - 1)
    if (!wire.requests.length) torrent._request(wire, last.to)
  }
}

/** A stream from piece 10 (most wanted), then the whole torrent. */
const stream: Selection = { from: 10, to: 99, offset: 0 }
const whole: Selection = { from: 0, to: 99, offset: 0 }

describe('firstRequestMostWanted', () => {
  firstRequestMostWanted(withTorrentState(new FakeTorrent(), [whole]))

  it('asks a new peer first for a piece a stream waits for', () => {
    const torrent = withTorrentState(new FakeTorrent(), [stream, whole], [40])
    const wire = newWire()
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [40])
    assert.equal(torrent.webtorrentUpdates, 0)
  })

  it('else the first piece of the most wanted selection that this side lacks and is not all asked for', () => {
    const torrent = withTorrentState(new FakeTorrent(), [{ ...stream, offset: 2 }, whole], [], [12, 13])
    torrent.reserved.add(14)
    const wire = newWire()
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [15])
  })

  it('leaves out pieces past the last, which a reader near the end marks (a peer may claim them)', () => {
    const torrent = withTorrentState(new FakeTorrent(), [{ from: 99, to: 99, offset: 0 }], [100, 101])
    const wire = newWire()
    wire.peerPieces.get = () => true
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [99])
  })

  it('leaves the rest to webtorrent: a peer that has sent, one already asked, a choking peer, a web seed', () => {
    for (const wire of [
      newWire({ downloaded: 1 }),
      newWire({ peerChoking: true }),
      newWire({ type: 'webSeed' }),
      Object.assign(newWire(), { requests: [50] }),
    ]) {
      const torrent = withTorrentState(new FakeTorrent(), [stream, whole])
      const before = [...wire.requests]
      torrent._updateWire(wire)
      assert.equal(torrent.webtorrentUpdates, 1)
      assert.deepEqual(wire.requests, before.length ? before : [99])
    }
  })
})

for (const build of ['node', 'browser'] as const) {
  describe(`firstRequestMostWanted on the real Torrent class (${build} build)`, async () => {
    const { Torrent } = await upstreamClasses(build)
    it('takes the first request before webtorrent, which would ask for the last piece', () => {
      const torrent = withTorrentState(Object.create(Torrent.prototype) as object, [stream, whole], [])
      firstRequestMostWanted(torrent)
      const wire = newWire()
      ;(torrent as unknown as FakeTorrent)._updateWire(wire)
      assert.deepEqual(wire.requests, [10])
    })
  })
}
