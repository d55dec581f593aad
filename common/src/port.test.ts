import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePort } from './port.js'

describe('ports', () => {
  it('accepts 0 to 65535', () => {
    assert.deepEqual(parsePort('PORT', '0'), { ok: true, value: 0 })
    assert.deepEqual(parsePort('PORT', '65535'), { ok: true, value: 65_535 })
  })

  it('refuses anything else, naming the setting', () => {
    for (const bad of ['65536', '-1', '80.5', 'eighty', '', ' 80']) {
      const result = parsePort('--torrent-port', bad)
      assert.match(result.ok ? '' : result.error, /--torrent-port must be a port number/, bad)
    }
  })
})
