import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseSettings } from './settings.js'

describe('settings', () => {
  it('reads a stored upload limit and relay mode', () => {
    assert.deepEqual(parseSettings('{"uploadLimitBytesPerS":1000000,"relayMode":"relay","sharePrivately":false}'), {
      uploadLimitBytesPerS: 1_000_000,
      relayMode: 'relay',
      sharePrivately: false,
    })
  })

  it('falls back to the defaults for anything else', () => {
    for (const stored of [
      null,
      '',
      'not json',
      '42',
      '{"uploadLimitBytesPerS":-5}',
      '{"uploadLimitBytesPerS":"fast","relayMode":"always"}',
    ]) {
      assert.deepEqual(
        parseSettings(stored),
        { uploadLimitBytesPerS: null, relayMode: null, sharePrivately: true },
        String(stored),
      )
    }
  })
})
