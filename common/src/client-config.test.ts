import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseClientConfig } from './client-config.js'

describe('client config', () => {
  it('reads the extra trackers and drops invalid ones', () => {
    assert.deepEqual(parseClientConfig({ extraTrackers: ['wss://t.example/announce', 'ftp://x', 3] }), {
      ok: true,
      value: { extraTrackers: ['wss://t.example/announce'] },
    })
    assert.deepEqual(parseClientConfig({}), { ok: true, value: { extraTrackers: [] } })
  })

  it('rejects what is not a config object', () => {
    for (const bad of [null, 'x', [], { extraTrackers: 'wss://t' }]) assert.equal(parseClientConfig(bad).ok, false)
  })
})
