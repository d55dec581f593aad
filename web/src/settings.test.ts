import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseSettings } from './settings.js'

describe('settings', () => {
  it('reads a stored upload limit', () => {
    assert.deepEqual(parseSettings('{"uploadLimitBytesPerS":1000000}'), { uploadLimitBytesPerS: 1_000_000 })
  })

  it('falls back to unlimited for anything else', () => {
    for (const stored of [null, '', 'not json', '42', '{"uploadLimitBytesPerS":-5}', '{"uploadLimitBytesPerS":"fast"}']) {
      assert.deepEqual(parseSettings(stored), { uploadLimitBytesPerS: null }, String(stored))
    }
  })
})
