import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { BLOCK_BYTES } from './block-size.js'
import {
  endStreamGrace,
  pipelineLength,
  PIPELINE_SECONDS,
  shortRequestPipelines,
  STREAM_GRACE_MS,
} from './request-pipeline.js'

/** webtorrent's Torrent as far as the patch sees it: each request it lets through is one more in the wire's pipeline. */
class FakeTorrent {
  updates = 0
  /** webtorrent's Selections: one, a stream's (a player reading a file), unless a test says otherwise. */
  readonly _selections = {
    items: [{ isStreamSelection: true }],
    get length() {
      return this.items.length
    },
    get(index: number) {
      return this.items[index]!
    },
  }
  _updateWire(wire: FakeWire): void {
    this.updates++
    while (this._request(wire, 0, false)) {
      // webtorrent's loop: request until refused
    }
  }
  _request(wire: FakeWire, _index: number, _hotswap: boolean): boolean {
    if (wire.requests.length >= 1000) return false // webtorrent's own limit, a second's worth
    wire.requests.push({})
    return true
  }
}

class FakeWire {
  requests: unknown[] = []
  constructor(
    private readonly bytesPerSecond: number,
    readonly type = 'webrtc',
    readonly peerExtendedHandshake: { reqq?: unknown } = {},
  ) {}
  downloadSpeed(): number {
    return this.bytesPerSecond
  }
}

// The real Torrent classes: webtorrent's (the Node build's) and the browser bundle's.
const torrentClasses = [
  { build: 'node', Torrent: (await upstreamClasses('node')).Torrent },
  { build: 'browser', Torrent: (await upstreamClasses('browser')).Torrent },
]

/** A peer sending 1024 blocks a second. */
const FAST = 1024 * BLOCK_BYTES

describe('shortRequestPipelines', () => {
  const torrent = new FakeTorrent()
  shortRequestPipelines(torrent)
  shortRequestPipelines(new FakeTorrent()) // once per class

  it('keeps a quarter second of blocks requested while a file streams, at the peer’s speed', () => {
    const wire = new FakeWire(FAST)
    torrent._updateWire(wire)
    assert.equal(wire.requests.length, 256)
    assert.equal(pipelineLength(wire, PIPELINE_SECONDS.full), 256)
  })

  it('asks for more only once the pipeline is down to an eighth of a second', () => {
    const wire = new FakeWire(FAST)
    torrent._updateWire(wire)
    const updates = torrent.updates
    wire.requests.length = 200
    torrent._updateWire(wire)
    assert.equal(wire.requests.length, 200)
    assert.equal(torrent.updates, updates, 'skipped before webtorrent looked for pieces')
    wire.requests.length = 100
    torrent._updateWire(wire)
    assert.equal(wire.requests.length, 256)
  })

  it('keeps one block for a peer with no speed yet, and honours a peer’s reqq', () => {
    const idle = new FakeWire(0)
    torrent._updateWire(idle)
    assert.equal(idle.requests.length, 1)
    const limited = new FakeWire(FAST, 'webrtc', { reqq: 50 })
    torrent._updateWire(limited)
    assert.equal(limited.requests.length, 50)
  })

  it('leaves the pipeline to webtorrent while no file streams', () => {
    const quiet = new FakeTorrent()
    quiet._selections.items = [{ isStreamSelection: false }]
    const wire = new FakeWire(FAST)
    quiet._updateWire(wire)
    assert.equal(wire.requests.length, 1000)
  })

  it('keeps the short pipeline for a moment after the last stream ends, as in a seek', (context) => {
    context.mock.timers.enable({ apis: ['Date'] })
    const seeking = new FakeTorrent()
    const wire = new FakeWire(FAST)
    seeking._updateWire(wire)
    seeking._selections.items = []
    wire.requests.length = 0
    seeking._updateWire(wire)
    assert.equal(wire.requests.length, 256)
    context.mock.timers.tick(STREAM_GRACE_MS)
    wire.requests.length = 0
    seeking._updateWire(wire)
    assert.equal(wire.requests.length, 1000)
  })

  it('drops the grace at once after a read that was not a player’s (a private share’s manifest)', () => {
    const opened = new FakeTorrent()
    const wire = new FakeWire(FAST)
    opened._updateWire(wire)
    opened._selections.items = []
    endStreamGrace(opened)
    wire.requests.length = 0
    opened._updateWire(wire)
    assert.equal(wire.requests.length, 1000)
  })

  it('leaves web seeds to webtorrent', () => {
    const seed = new FakeWire(FAST, 'webSeed')
    torrent._updateWire(seed)
    assert.equal(seed.requests.length, 1000)
  })
})

for (const { build, Torrent } of torrentClasses) {
  describe(`shortRequestPipelines on the real Torrent class (${build} build)`, () => {
    // The class's own methods, with the one field the patch reads (a torrent would need a client).
    const torrent = Object.assign(Object.create(Torrent.prototype) as object, {
      _selections: new FakeTorrent()._selections,
    }) as FakeTorrent
    shortRequestPipelines(torrent)

    it("refuses a request past a quarter second while a file streams, before webtorrent's own code runs", () => {
      const wire = new FakeWire(FAST)
      wire.requests.length = pipelineLength(wire, PIPELINE_SECONDS.full)
      assert.equal(torrent._request(wire, 0, false), false)
      wire.requests.length = pipelineLength(wire, PIPELINE_SECONDS.refill)
      assert.equal(torrent._updateWire(wire), undefined)
    })

    it('hands the rest to webtorrent', () => {
      // Past the patch, webtorrent's own _request runs, and finds this torrent has no pieces.
      assert.throws(() => torrent._request(new FakeWire(FAST), 0, false))
    })
  })
}
