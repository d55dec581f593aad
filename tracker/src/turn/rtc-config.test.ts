import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { hostnameOf, rtcConfigFor } from './rtc-config.js'

describe('rtc-config', () => {
  const turn = { urls: ['turn:{host}:3478?transport=udp'], secret: 's', ttlS: 3600 }

  it('hands out TURN with fresh credentials for the host the browser used', () => {
    const config = rtcConfigFor(
      { iceServers: [{ urls: ['stun:{host}:3478'] }], turn, host: undefined },
      'share.example:8080',
      1_000_000,
    )
    assert.equal(config.turn, true)
    assert.equal(config.expiresAtMs, (1000 + 3600) * 1000)
    assert.deepEqual(config.iceServers[0], { urls: ['stun:share.example:3478'] })
    assert.deepEqual(config.iceServers[1]?.urls, ['turn:share.example:3478?transport=udp'])
    assert.match(config.iceServers[1]?.username ?? '', /^4600:[0-9a-f]+$/)
  })

  it('says TURN is unavailable without it', () => {
    assert.deepEqual(rtcConfigFor({ iceServers: [], turn: null, host: undefined }, 'x'), {
      iceServers: [],
      turn: false,
      expiresAtMs: null,
    })
  })

  it('never puts a hostile Host header into a URL', () => {
    assert.equal(hostnameOf('evil.example?transport=tcp&x=1'), null)
    assert.equal(hostnameOf('a b'), null)
    assert.equal(hostnameOf(undefined), null)
    assert.equal(hostnameOf('[::1]:8080'), '[::1]')
    assert.equal(hostnameOf('LOCALHOST:80'), 'localhost')
    const config = rtcConfigFor({ iceServers: [], turn, host: '127.0.0.1' }, 'evil?x')
    assert.deepEqual(config.iceServers[0]?.urls, ['turn:127.0.0.1:3478?transport=udp'])
  })
})
