import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { iceConfigFor, refreshDelayMs } from './relay.js'

const stun = { urls: ['stun:example:3478'] }
const turn = { urls: ['turn:example:3478'], username: 'u', credential: 'c' }

describe('relay modes', () => {
  it('off: no TURN at all', () => {
    assert.deepEqual(iceConfigFor([stun, turn], 'off'), { iceServers: [stun], iceTransportPolicy: 'all' })
  })
  it('fallback: direct first, TURN available', () => {
    assert.deepEqual(iceConfigFor([stun, turn], 'fallback'), { iceServers: [stun, turn], iceTransportPolicy: 'all' })
  })
  it('relay only: TURN and nothing that would reveal an address', () => {
    assert.deepEqual(iceConfigFor([stun, turn], 'relay'), { iceServers: [turn], iceTransportPolicy: 'relay' })
  })
})

describe('credential refresh', () => {
  it('happens at 80 % of the remaining lifetime', () => {
    assert.equal(refreshDelayMs(3_600_000, 0), 2_880_000)
  })
  it('never loops on credentials that are (nearly) expired', () => {
    assert.equal(refreshDelayMs(1_000, 0), 10_000)
    assert.equal(refreshDelayMs(0, 5_000), 10_000)
  })
})
