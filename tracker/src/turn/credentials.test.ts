import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createTurnCredentials } from './credentials.js'

describe('TURN REST credentials', () => {
  it('follow coturn: "<expiry>:<id>" signed with HMAC-SHA1 of the secret', () => {
    const credentials = createTurnCredentials('north', 3600, Date.UTC(2026, 10, 21), 'abc')
    assert.deepEqual(credentials, {
      username: '1795222800:abc',
      // printf '1795222800:abc' | openssl dgst -sha1 -hmac north -binary | base64
      credential: '3d6r7EPlMnLxSjzO3BFOARP/oGI=',
      expiresAtMs: 1795222800_000,
    })
  })

  it('differ per request', () => {
    assert.notEqual(createTurnCredentials('s', 60).username, createTurnCredentials('s', 60).username)
  })
})
