import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { BLOCK_BYTES, requestLargerBlocks } from './block-size.js'

const KiB = 1024
const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill)

type Piece = {
  readonly missing: number
  chunkLength(index: number): number
  chunkLengthRemaining(index: number): number
  chunkOffset(index: number): number
  reserve(): number
  reserveRemaining(): number
  cancel(index: number): void
  set(index: number, data: Uint8Array, source: unknown): boolean
  flush(): Uint8Array | null
}
type PieceClass = (new (length: number) => Piece) & { BLOCK_LENGTH: number }

/** Reserves every block of a piece, as webtorrent does when it requests them, and lists [offset, length]. */
function requests(piece: Piece): Array<[number, number]> {
  const list: Array<[number, number]> = []
  for (let index = piece.reserve(); index !== -1; index = piece.reserve())
    list.push([piece.chunkOffset(index), piece.chunkLength(index)])
  return list
}

// The real Piece classes: torrent-piece's (the Node build's), and the copy webtorrent's browser bundle inlines.
const builds = [
  { build: 'node', Piece: (await upstreamClasses('node')).Piece as unknown as PieceClass },
  { build: 'browser', Piece: (await upstreamClasses('browser')).Piece as unknown as PieceClass },
]
for (const { build, Piece } of builds) {
  // Patched once, for every test below.
  const madeBeforeThePatch = new Piece(256 * KiB)
  requestLargerBlocks({ pieces: [null, madeBeforeThePatch] })

  describe(`requestLargerBlocks (${build} build)`, () => {
    it('makes a piece ask for 64 KiB blocks, and a shorter last one', () => {
      assert.equal(BLOCK_BYTES, 64 * KiB)
      assert.equal(Piece.BLOCK_LENGTH, BLOCK_BYTES)
      assert.deepEqual(requests(new Piece(200 * KiB)), [
        [0, 64 * KiB],
        [64 * KiB, 64 * KiB],
        [128 * KiB, 64 * KiB],
        [192 * KiB, 8 * KiB],
      ])
      assert.deepEqual(requests(new Piece(16 * KiB)), [[0, 16 * KiB]])
    })

    it('applies to pieces made before the patch that were not used yet', () => {
      assert.deepEqual(
        requests(madeBeforeThePatch).map(([offset]) => offset),
        [0, 64, 128, 192].map((k) => k * KiB),
      )
    })

    it('puts a piece together from its blocks, in any order, and counts what is missing', () => {
      const piece = new Piece(130 * KiB)
      requests(piece)
      assert.equal(piece.set(2, bytes(2 * KiB, 3), 'peer a'), false)
      assert.equal(piece.set(0, bytes(64 * KiB, 1), 'peer a'), false)
      assert.equal(piece.missing, 64 * KiB)
      assert.equal(piece.set(1, bytes(64 * KiB, 2), 'peer b'), true)
      const whole = piece.flush()!
      assert.equal(whole.length, 130 * KiB)
      assert.deepEqual([whole[0], whole[64 * KiB], whole[128 * KiB], whole[130 * KiB - 1]], [1, 2, 3, 3])
    })

    it('fills several blocks from one longer write, keeping blocks already there', () => {
      const piece = new Piece(192 * KiB)
      piece.set(1, bytes(64 * KiB, 9), 'peer')
      assert.equal(piece.set(0, bytes(192 * KiB, 1), 'store'), true)
      const whole = piece.flush()!
      assert.deepEqual([whole[0], whole[64 * KiB], whole[128 * KiB]], [1, 9, 1])
    })

    it('hands a cancelled block out again, and the rest of a piece to a web seed', () => {
      const piece = new Piece(256 * KiB)
      assert.equal(piece.reserve(), 0)
      assert.equal(piece.reserve(), 1)
      piece.cancel(0)
      assert.equal(piece.reserve(), 0)
      assert.equal(piece.reserveRemaining(), 2)
      assert.equal(piece.chunkLengthRemaining(2), 128 * KiB)
    })
  })
}
