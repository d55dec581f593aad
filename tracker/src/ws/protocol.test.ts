import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_LIMITS } from './limits.js'
import { isBinaryId, parseTrackerRequest } from './protocol.js'

const id = (char: string) => char.repeat(20)
const announce = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ action: 'announce', info_hash: id('a'), peer_id: id('p'), ...extra })
const offer = (sdp = 'v=0') => ({ offer: { type: 'offer', sdp }, offer_id: id('o') })
const parse = (raw: string) => parseTrackerRequest(raw, DEFAULT_LIMITS)

describe('WebSocket tracker protocol parser', () => {
  it('reads a well-formed announce into a typed request', () => {
    const result = parse(announce({ left: 100, event: 'started', offers: [offer()], numwant: 1, extra: 'ignored' }))
    assert.deepEqual(result, {
      ok: true,
      request: {
        action: 'announce',
        infoHash: id('a'),
        peerId: id('p'),
        event: 'started',
        left: 100,
        offers: [{ offerId: id('o'), offer: { type: 'offer', sdp: 'v=0' } }],
        answer: null,
      },
    })
    const answer = parse(
      announce({ answer: { type: 'answer', sdp: 'v=0', junk: 1 }, offer_id: id('o'), to_peer_id: id('t') }),
    )
    assert.ok(answer.ok && answer.request.action === 'announce')
    assert.deepEqual(answer.request.answer, {
      offerId: id('o'),
      toPeerId: id('t'),
      answer: { type: 'answer', sdp: 'v=0' },
    })
    assert.deepEqual(parse(JSON.stringify({ action: 'scrape', info_hash: id('a') })), {
      ok: true,
      request: { action: 'scrape', infoHashes: [id('a')] },
    })
  })

  it('refuses each kind of malformed message with its reason', () => {
    const cases: Array<[string, string]> = [
      ['{not json', 'not-json'],
      ['[1,2]', 'not-object'],
      ['"text"', 'not-object'],
      ['null', 'not-object'],
      [JSON.stringify({ action: 'delete' }), 'bad-action'],
      [announce({ info_hash: 'short' }), 'bad-info-hash'],
      [announce({ info_hash: 12345 }), 'bad-info-hash'],
      [announce({ info_hash: '€'.repeat(20) }), 'bad-info-hash'],
      [announce({ peer_id: null }), 'bad-peer-id'],
      [announce({ event: 'explode' }), 'bad-event'],
      [announce({ event: 7 }), 'bad-event'],
      [announce({ offers: 'many' }), 'bad-offers'],
      [announce({ offers: [null] }), 'bad-offers'],
      [announce({ offers: [{ offer: { type: 'answer', sdp: 'x' }, offer_id: id('o') }] }), 'bad-offers'],
      [announce({ offers: [{ offer: { type: 'offer', sdp: 'x' }, offer_id: 'short' }] }), 'bad-offers'],
      [announce({ offers: [offer('x'.repeat(20_000))] }), 'bad-offers'],
      [announce({ offers: Array.from({ length: 11 }, () => offer()) }), 'too-many-offers'],
      [announce({ answer: { type: 'answer', sdp: 'x' }, offer_id: id('o') }), 'bad-answer'],
      [announce({ answer: 'yes', offer_id: id('o'), to_peer_id: id('t') }), 'bad-answer'],
      [JSON.stringify({ action: 'scrape' }), 'bad-scrape'],
      [JSON.stringify({ action: 'scrape', info_hash: [] }), 'bad-scrape'],
      [JSON.stringify({ action: 'scrape', info_hash: Array.from({ length: 201 }, () => id('a')) }), 'bad-scrape'],
    ]
    for (const [raw, reason] of cases) {
      const result = parse(raw)
      assert.equal(result.ok ? 'accepted' : result.reason, reason, raw.slice(0, 80))
      assert.ok(result.ok || result.detail.length > 10, 'a refusal explains itself')
    }
  })

  it('reads an invalid `left` as unknown, so a peer without metadata is never counted as a seeder', () => {
    for (const left of [null, -5, 'lots', undefined]) {
      const result = parse(announce({ left }))
      assert.ok(result.ok && result.request.action === 'announce')
      assert.equal(result.request.left, undefined, String(left))
    }
  })

  it('knows binary IDs', () => {
    assert.equal(isBinaryId('\u00ff'.repeat(20)), true)
    assert.equal(isBinaryId('\u0100'.repeat(20)), false)
    assert.equal(isBinaryId('a'.repeat(21)), false)
  })

  it('never throws, whatever the bytes', () => {
    for (let i = 0; i < 5_000; i++) {
      const bytes = Array.from({ length: Math.floor(Math.random() * 80) }, () =>
        String.fromCharCode(Math.floor(Math.random() * 256)),
      ).join('')
      const mutated = announce({ offers: [offer()] }).split('')
      mutated[Math.floor(Math.random() * mutated.length)] = String.fromCharCode(Math.floor(Math.random() * 256))
      parse(bytes)
      parse(mutated.join(''))
    }
  })
})
