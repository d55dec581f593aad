import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { foldPieces } from './piece-map.js'

describe('piece map', () => {
  it('keeps one cell per piece when there are few pieces', () => {
    assert.deepEqual(
      foldPieces(4, (i) => i % 2 === 0),
      [1, 0, 1, 0],
    )
  })

  it('folds many pieces into fractions, in tenths', () => {
    const map = foldPieces(1000, (i) => i < 250, 4)
    assert.deepEqual(map, [1, 0, 0, 0])
    assert.deepEqual(
      foldPieces(30, (i) => i % 3 === 0, 1),
      [0.3],
    )
  })

  it('is empty before the metadata', () => {
    assert.deepEqual(
      foldPieces(0, () => true),
      [],
    )
  })
})
