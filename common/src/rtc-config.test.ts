import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseIceServers, parseRtcConfigResponse } from './rtc-config.js'

describe('ICE server config', () => {
  it('reads STUN and TURN servers, urls as a string or a list', () => {
    assert.deepEqual(
      parseIceServers([
        { urls: 'stun:stun.example:3478' },
        { urls: ['turn:t.example:3478?transport=udp'], username: 'u', credential: 'c' },
      ]),
      {
        ok: true,
        value: [
          { urls: ['stun:stun.example:3478'] },
          { urls: ['turn:t.example:3478?transport=udp'], username: 'u', credential: 'c' },
        ],
      },
    )
  })

  it('rejects what RTCPeerConnection would reject, with the index', () => {
    for (const bad of [
      'x',
      {},
      [{}],
      [{ urls: 'http://x' }],
      [{ urls: [] }],
      [{ urls: 'turn:t.example' }],
      [{ urls: 'stun:a', username: 3 }],
    ]) {
      assert.equal(parseIceServers(bad).ok, false, JSON.stringify(bad))
    }
    const result = parseIceServers([{ urls: 'stun:a' }, { urls: 'turn:b' }])
    assert.match(result.ok ? '' : result.error, /ICE server 1/)
  })

  it('reads the server answer', () => {
    assert.deepEqual(parseRtcConfigResponse({ iceServers: [], turn: false, expiresAtMs: null }), {
      ok: true,
      value: { iceServers: [], turn: false, expiresAtMs: null },
    })
    assert.equal(parseRtcConfigResponse({ iceServers: [], turn: 'yes', expiresAtMs: null }).ok, false)
    assert.equal(parseRtcConfigResponse({ iceServers: [], turn: true, expiresAtMs: 'soon' }).ok, false)
  })
})
