import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pieceLengthFor } from './piece-length.js'

describe('piece length', () => {
  it('is about 1/256 of the torrent, from 16 KiB to 1 MiB', () => {
    assert.equal(pieceLengthFor(1), 16 * 1024)
    assert.equal(pieceLengthFor(64 * 1024 ** 2), 256 * 1024)
    assert.equal(pieceLengthFor(256 * 1024 ** 2), 1024 ** 2)
    assert.equal(pieceLengthFor(64 * 1024 ** 3), 1024 ** 2)
  })
})
