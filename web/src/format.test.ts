import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatBytesOf } from './format.js'

describe('formatBytesOf', () => {
  it('says a shared unit once', () => {
    assert.equal(formatBytesOf(87_200_000, 537_000_000), '87.2 / 537 MB')
    assert.equal(formatBytesOf(21_000_000, 21_000_000), '21 / 21 MB')
  })

  it('keeps both units when they differ', () => {
    assert.equal(formatBytesOf(0, 537_000_000), '0 B / 537 MB')
    assert.equal(formatBytesOf(512_000, 2_150_000_000), '512 kB / 2.15 GB')
  })
})
