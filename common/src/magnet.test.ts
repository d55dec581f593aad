import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseMagnet } from './magnet.js'

const HASH = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'

describe('magnet links', () => {
  it('reads the info hash, name and trackers', () => {
    const magnet = `magnet:?xt=urn:btih:${HASH}&dn=a+b&tr=ws%3A%2F%2F127.0.0.1%3A8080%2Fannounce&tr=udp%3A%2F%2F127.0.0.1%3A8080%2F`
    assert.deepEqual(parseMagnet(magnet), {
      ok: true,
      value: { infoHash: HASH, name: 'a b', trackers: ['ws://127.0.0.1:8080/announce', 'udp://127.0.0.1:8080/'] },
    })
  })

  it('reads base32 info hashes and several trackers', () => {
    const parsed = parseMagnet(
      'magnet:?xt=urn:btih:F7KODRT2FUUPZ3MET3Q3W5XHHENZH2YS&tr=wss%3A%2F%2Fa.example&tr=wss%3A%2F%2Fb.example',
    )
    assert.equal(parsed.ok && parsed.value.infoHash, HASH)
    assert.equal(parsed.ok && parsed.value.trackers.length, 2)
  })

  it('accepts a magnet with no trackers (the app adds its own)', () => {
    assert.deepEqual(parseMagnet(`magnet:?xt=urn:btih:${HASH}`), {
      ok: true,
      value: { infoHash: HASH, name: undefined, trackers: [] },
    })
  })

  it('rejects what is not a usable magnet', () => {
    for (const bad of [
      'http://x',
      'magnet:?dn=only-a-name',
      'magnet:?xt=urn:btih:1234',
      'magnet:?xt=urn:sha1:' + HASH,
      'magnet:?' + 'a'.repeat(20_000),
    ]) {
      assert.equal(parseMagnet(bad).ok, false, bad)
    }
  })
})
