import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  KEEPER_SECRET_PATTERN,
  parseKeeperInfo,
  parseKeeperRefusal,
  parseKeptStatus,
  randomKeeperSecret,
} from './keeper.js'

describe('the keeper’s messages', () => {
  it('reads the limits, and takes anything else for "no keeper"', () => {
    const limits = { enabled: true, maxHours: 24, maxShareBytes: 10, freeBytes: 5 }
    assert.deepEqual(parseKeeperInfo(limits), { ok: true, value: limits })
    assert.deepEqual(parseKeeperInfo({ enabled: false, maxHours: 'x' }), { ok: true, value: { enabled: false } })
    for (const bad of [null, [], 'on', { enabled: true, maxHours: -1, maxShareBytes: 1, freeBytes: 1 }])
      assert.equal(parseKeeperInfo(bad).ok, false)
  })

  it('reads how far the server has a share, and refusals, and nothing else', () => {
    assert.deepEqual(parseKeptStatus({ state: 'kept', progress: 1.5, expiresAtMs: 9 }), {
      ok: true,
      value: { state: 'kept', progress: 1, expiresAtMs: 9 },
    })
    for (const bad of [{ state: 'deleted', progress: 0, expiresAtMs: 1 }, { state: 'kept', progress: NaN }, 7])
      assert.equal(parseKeptStatus(bad).ok, false)
    assert.deepEqual(parseKeeperRefusal({ reason: 'full', error: 'The server is full' }), {
      reason: 'full',
      error: 'The server is full',
    })
    assert.equal(parseKeeperRefusal({ reason: 'toString', error: 'x' }), null)
    assert.equal(parseKeeperRefusal({ reason: 'full' }), null)
  })

  it('makes secrets of 256 bits, each its own', () => {
    const [a, b] = [randomKeeperSecret(), randomKeeperSecret()]
    assert.match(a, KEEPER_SECRET_PATTERN)
    assert.notEqual(a, b)
  })
})
