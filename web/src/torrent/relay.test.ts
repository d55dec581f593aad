import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { iceConfigFor } from './relay.js'

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
