import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { BLOCK_BYTES } from './block-size.js'
import { deliveryMs, urgentPiecesFirst } from './urgent-pieces.js'

type Selection = { from: number; to: number; offset: number; priority: number; isStreamSelection?: boolean }

/** A connection to a peer with every piece, moving `bytesPerSecond`, and the pieces it was asked for. */
class FakeWire {
  readonly type = 'webrtc'
  readonly peerChoking = false
  readonly peerPieces = { get: () => true }
  requests: number[] = []
  constructor(private readonly bytesPerSecond: number) {}
  downloadSpeed(): number {
    return this.bytesPerSecond
  }
}

/**
 * webtorrent's Torrent as far as the patch sees it: selections sorted by priority, a refill that asks
 * for pieces in selection order, one block per piece, at most `pipeline` requests per connection.
 */
class FakeTorrent {
  readonly done = false
  readonly pipeline = 4
  /** A MiB is 16 pieces. */
  readonly pieceLength = 64 * 1024
  readonly pieces = new Array(100)
  _critical: boolean[] = []
  wires: FakeWire[] = []
  held = new Set<number>()
  reserved = new Set<number>()
  items: Selection[] = []
  readonly bitfield = { get: (index: number) => this.held.has(index) }
  readonly _selections = {
    items: this.items,
    get length() {
      return this.items.length
    },
    get: (index: number) => this.items[index]!,
    sort: (order: (a: Selection, b: Selection) => number) => this.items.sort(order),
    insert: (item: Selection) => this.items.push(item),
  }
  critical(start: number, end: number) {
    for (let index = start; index <= end; index++) this._critical[index] = true
  }
  _select(from: number, to: number, priority: number, _notify: unknown, isStreamSelection = false) {
    this.items.push({ from, to, offset: 0, priority, isStreamSelection })
    this.items.sort((a, b) => b.priority - a.priority)
  }
  _deselect(from: number, to: number, isStreamSelection = false) {
    const index = this.items.findIndex(
      (item) => item.from === from && item.to === to && !!item.isStreamSelection === isStreamSelection,
    )
    if (index >= 0) this.items.splice(index, 1)
  }
  _updateWire(wire: FakeWire) {
    for (const { from, offset, to } of this.items)
      for (let piece = from + offset; piece <= to; piece++) this._request(wire, piece, false)
  }
  _request(wire: FakeWire, index: number, _hotswap: boolean): boolean {
    if (wire.requests.length >= this.pipeline || this.held.has(index) || this.reserved.has(index)) return false
    this.reserved.add(index)
    wire.requests.push(index)
    return true
  }
}

const FAST = 1024 * 1024
const SLOW = 64 * 1024

describe('urgentPiecesFirst', () => {
  urgentPiecesFirst(new FakeTorrent())

  it('asks first for the pieces a reader waits for, ahead of higher selections', () => {
    const torrent = new FakeTorrent()
    const wire = new FakeWire(FAST)
    torrent.wires.push(wire)
    torrent._select(0, 99, 0, null)
    torrent._select(80, 99, 2, null, true) // a file's tail, fetched early
    torrent._select(40, 99, 1, null, true) // a player reading from piece 40...
    torrent.critical(40, 42) // ...waits for it and the next two
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [40, 41, 42, 80])
  })

  it('leaves a reader’s waits past its first MiB in selection order (a player reading ahead)', () => {
    const torrent = new FakeTorrent()
    const wire = new FakeWire(FAST)
    torrent.wires.push(wire)
    torrent._select(0, 99, 0, null)
    torrent._select(80, 99, 2, null, true)
    torrent._select(0, 99, 1, null, true)
    torrent.critical(16, 18)
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [80, 81, 82, 83])
  })

  it('leaves out the pieces past the last that a reader near the end marks (a peer may claim them)', () => {
    const torrent = new FakeTorrent()
    const wire = new FakeWire(FAST)
    torrent.wires.push(wire)
    torrent._select(98, 99, 1, null, true)
    torrent.critical(99, 101)
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [99, 98])
  })

  it('leaves them to a connection that would deliver them much sooner, and asks for the pieces behind', () => {
    const torrent = new FakeTorrent()
    const [slow, fast] = [new FakeWire(SLOW), new FakeWire(FAST)]
    torrent.wires.push(slow, fast)
    torrent._select(10, 99, 1, null, true)
    torrent.critical(10, 12)
    torrent._updateWire(slow)
    assert.deepEqual(slow.requests, [13, 14, 15, 16])
    torrent._updateWire(fast)
    assert.deepEqual(fast.requests, [10, 11, 12, 17])
    // Alone, a slow connection takes them.
    const alone = new FakeTorrent()
    const only = new FakeWire(SLOW)
    alone.wires.push(only)
    alone._select(10, 99, 1, null, true)
    alone.critical(10, 12)
    alone._updateWire(only)
    assert.deepEqual(only.requests, [10, 11, 12, 13])
  })

  it('gives a newer reader the priority, and an older one its own back when the newer ends', () => {
    const torrent = new FakeTorrent()
    const wire = new FakeWire(FAST)
    torrent.wires.push(wire)
    torrent._select(0, 99, 1, null, true) // playing from the start
    torrent._select(60, 99, 1, null, true) // a seek
    assert.deepEqual(
      torrent.items.map((item) => [item.from, item.priority]),
      [
        [60, 1],
        [0, 0],
      ],
    )
    // The older reader's waits are not urgent; the newer one's are.
    torrent.critical(5, 7)
    torrent.critical(60, 62)
    torrent._updateWire(wire)
    assert.deepEqual(wire.requests, [60, 61, 62, 63])
    torrent._deselect(60, 99, true)
    assert.deepEqual(
      torrent.items.map((item) => [item.from, item.priority]),
      [[0, 1]],
    )
  })

  it('counts a connection’s queue in its delivery time', () => {
    const wire = new FakeWire(BLOCK_BYTES)
    assert.equal(deliveryMs(wire), 1000)
    wire.requests.push(1, 2)
    assert.equal(deliveryMs(wire), 3000)
    assert.equal(deliveryMs(new FakeWire(0)), Infinity)
  })
})

for (const build of ['node', 'browser'] as const) {
  describe(`urgentPiecesFirst on the real Torrent class (${build} build)`, async () => {
    const { Torrent } = await upstreamClasses(build)
    it('fits the class and asks for a waited-for piece before webtorrent’s own refill runs', () => {
      const state = new FakeTorrent()
      const torrent = Object.assign(Object.create(Torrent.prototype) as object, {
        _critical: state._critical,
        wires: state.wires,
        done: false,
        bitfield: state.bitfield,
        pieceLength: state.pieceLength,
        _selections: state._selections,
        _request: state._request.bind(state),
        pieces: state.pieces,
        client: { _debugId: 'test' },
        _debugId: 'test',
      }) as unknown as FakeTorrent
      urgentPiecesFirst(torrent)
      const wire = new FakeWire(FAST)
      state.wires.push(wire)
      torrent._select(5, 99, 1, null, true) // a reader, from piece 5
      torrent.critical(7, 7)
      // webtorrent's own refill, which runs next, finds the pipeline it wants already full.
      torrent._updateWire(wire)
      assert.deepEqual(wire.requests, [7])
    })
  })
}
