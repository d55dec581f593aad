import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { guardTrackerMessage, type SocketState } from './ws-guard.js'

const id = (char: string) => char.repeat(20)
const announce = (extra: Record<string, unknown> = {}) => JSON.stringify({ action: 'announce', info_hash: id('a'), peer_id: id('p'), ...extra })
const state = (): SocketState => ({ swarms: new Set() })
const offer = (sdp = 'v=0') => ({ offer: { type: 'offer', sdp }, offer_id: id('o') })

describe('WebSocket tracker message guard', () => {
  it('passes a well-formed announce through untouched', () => {
    const raw = announce({ left: 100, offers: [offer()], numwant: 1 })
    assert.deepEqual(guardTrackerMessage(raw, state()), { ok: true, message: raw, offers: 1, answer: false })
  })

  it('refuses each kind of malformed message with its reason', () => {
    const cases: Array<[string, string]> = [
      ['{not json', 'not-json'],
      ['[1,2]', 'not-object'],
      ['"text"', 'not-object'],
      [JSON.stringify({ action: 'delete' }), 'bad-action'],
      [announce({ info_hash: 'short' }), 'bad-info-hash'],
      [announce({ info_hash: 12345 }), 'bad-info-hash'],
      [announce({ peer_id: null }), 'bad-peer-id'],
      [announce({ offers: 'many' }), 'bad-offers'],
      [announce({ offers: [{ offer: { type: 'answer', sdp: 'x' }, offer_id: id('o') }] }), 'bad-offers'],
      [announce({ offers: [offer('x'.repeat(20_000))] }), 'bad-offers'],
      [announce({ offers: Array.from({ length: 11 }, () => offer()) }), 'too-many-offers'],
      [announce({ answer: { type: 'answer', sdp: 'x' }, offer_id: id('o') }), 'bad-answer'],
      [announce({ answer: 'yes', offer_id: id('o'), to_peer_id: id('t') }), 'bad-answer'],
    ]
    for (const [raw, reason] of cases) {
      const result = guardTrackerMessage(raw, state())
      assert.equal(result.ok ? 'accepted' : result.reason, reason, raw.slice(0, 80))
    }
  })

  it('turns an invalid `left` into "unknown", so a peer without metadata is not counted as a seeder', () => {
    for (const left of [null, -5, 'lots']) {
      const result = guardTrackerMessage(announce({ left }), state())
      assert.ok(result.ok)
      assert.equal('left' in JSON.parse(result.ok ? result.message : '{}'), false, String(left))
    }
  })

  it('caps the swarms one socket may join', () => {
    const socket = state()
    for (let i = 0; i < 3; i++) assert.equal(guardTrackerMessage(announce({ info_hash: String(i).padEnd(20, 'x') }), socket, { maxOffers: 10, maxSdpBytes: 100, maxSwarmsPerSocket: 3 }).ok, true)
    const fourth = guardTrackerMessage(announce({ info_hash: 'z'.repeat(20) }), socket, { maxOffers: 10, maxSdpBytes: 100, maxSwarmsPerSocket: 3 })
    assert.equal(fourth.ok ? 'accepted' : fourth.reason, 'too-many-swarms')
    // Announcing again in a swarm it already joined is fine.
    assert.equal(guardTrackerMessage(announce({ info_hash: '0'.padEnd(20, 'x') }), socket, { maxOffers: 10, maxSdpBytes: 100, maxSwarmsPerSocket: 3 }).ok, true)
  })

  it('never throws, whatever the bytes', () => {
    for (let i = 0; i < 5_000; i++) {
      const bytes = Array.from({ length: Math.floor(Math.random() * 80) }, () => String.fromCharCode(Math.floor(Math.random() * 256))).join('')
      const mutated = announce({ offers: [offer()] }).split('')
      mutated[Math.floor(Math.random() * mutated.length)] = String.fromCharCode(Math.floor(Math.random() * 256))
      guardTrackerMessage(bytes, state())
      guardTrackerMessage(mutated.join(''), state())
    }
  })
})
