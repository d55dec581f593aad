import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { rarestFirstOnce } from './rarest-first.js'

type RealRarityMap = { _pieces: number[]; getRarestPiece(filter?: (index: number) => boolean): number }

// The searches below also run on the real RarityMap classes: webtorrent's (the Node build's) and the browser bundle's copy.
const realMaps = [
  { build: 'node', RarityMap: (await upstreamClasses('node')).RarityMap },
  { build: 'browser', RarityMap: (await upstreamClasses('browser')).RarityMap },
]

/** webtorrent's RarityMap as far as the patch sees it: availability per piece, and its torrent's bitfield. */
class FakeRarityMap {
  scans = 0
  constructor(
    readonly _pieces: number[],
    readonly held: Set<number> = new Set(),
  ) {}
  readonly _torrent = { bitfield: { get: (index: number) => this.held.has(index) } }
  /** The original: one full scan per call, a random piece among the rarest passing the filter. */
  getRarestPiece(filter?: (index: number) => boolean): number {
    this.scans++
    const passing = this._pieces.map((_, i) => i).filter((i) => !filter || filter(i))
    const least = Math.min(...passing.map((i) => this._pieces[i]!))
    const rarest = passing.filter((i) => this._pieces[i] === least)
    return rarest.length ? rarest[Math.floor(Math.random() * rarest.length)]! : -1
  }
}

/** webtorrent's loop that fills a pipeline: take the rarest untried piece and try it, until `wanted` are requested. */
function fillPipeline(
  map: Pick<FakeRarityMap, 'getRarestPiece' | 'held'>,
  usable: (piece: number) => boolean,
  wanted: number,
): number[] {
  const tried = new Set<number>()
  const filter = (index: number) => !tried.has(index)
  const requested: number[] = []
  for (
    let piece = map.getRarestPiece(filter);
    piece >= 0 && requested.length < wanted;
    piece = map.getRarestPiece(filter)
  ) {
    tried.add(piece)
    if (!map.held.has(piece) && usable(piece)) requested.push(piece)
  }
  return requested
}

describe('rarest first, sorted once per search', () => {
  it('gives the pieces in order of rarity, never one the torrent has', () => {
    const map = new FakeRarityMap([3, 1, 2, 1, 1, 2], new Set([4]))
    rarestFirstOnce(map)
    rarestFirstOnce(map) // once per class
    const requested = fillPipeline(map, () => true, 10)
    assert.deepEqual(requested.slice(0, 2).sort(), [1, 3], 'the rarest first, in either order')
    assert.deepEqual(requested.slice(2, 4).sort(), [2, 5])
    assert.deepEqual(requested.slice(4), [0])
  })

  it('breaks ties at random', () => {
    const firsts = new Set<number>()
    for (let i = 0; i < 50; i++) {
      const map = new FakeRarityMap([1, 1, 1, 1])
      rarestFirstOnce(map)
      firsts.add(fillPipeline(map, () => true, 1)[0]!)
    }
    assert.ok(firsts.size > 1)
  })

  it('costs one scan per search, however many pieces it passes over', () => {
    const map = new FakeRarityMap(Array.from({ length: 1000 }, () => 1))
    rarestFirstOnce(map)
    // Every block of the first 900 pieces is already requested from other peers.
    const requested = fillPipeline(map, (piece) => piece >= 900, 10)
    assert.equal(requested.length, 10)
    assert.equal(map.scans, 0, 'the original full scan is not used')
  })
})

for (const { build, RarityMap } of realMaps) {
  /** A real rarity map of `availability.length` pieces, `held` already in the torrent. */
  const realMap = (availability: number[], held = new Set<number>()) => {
    const torrent = {
      pieces: availability.map(() => ({})),
      wires: [],
      bitfield: { get: (index: number) => held.has(index) },
      on() {},
    }
    const map = new (RarityMap as unknown as new (torrent: object) => RealRarityMap)(torrent)
    map._pieces = [...availability]
    rarestFirstOnce(map)
    return Object.assign(map, { held })
  }

  describe(`rarest first on the real RarityMap (${build} build)`, () => {
    it('gives the pieces in order of rarity, never one the torrent has', () => {
      const requested = fillPipeline(realMap([3, 1, 2, 1, 1, 2], new Set([4])), () => true, 10)
      assert.deepEqual(requested.slice(0, 2).sort(), [1, 3])
      assert.deepEqual(requested.slice(2, 4).sort(), [2, 5])
      assert.deepEqual(requested.slice(4), [0])
    })

    it('looks at each piece about once per search, however many it passes over', () => {
      let looks = 0
      const map = realMap(Array.from({ length: 1000 }, () => 1))
      const tried = new Set<number>()
      const filter = (index: number) => (looks++, !tried.has(index))
      const requested: number[] = []
      for (
        let piece = map.getRarestPiece(filter);
        piece >= 0 && requested.length < 10;
        piece = map.getRarestPiece(filter)
      ) {
        tried.add(piece)
        if (piece >= 900) requested.push(piece)
      }
      assert.equal(requested.length, 10)
      // The original scans all 1000 pieces on each of ~900 calls.
      assert.ok(looks < 3000, `${looks} looks`)
    })
  })
}
