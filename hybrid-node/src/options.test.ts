import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseHostPorts, parseRate, parseSource, parseTrackers, trackersForApp } from './options.js'

const HASH = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'

describe('hybrid-node options', () => {
  it('reads every kind of source', () => {
    assert.deepEqual(parseSource(`magnet:?xt=urn:btih:${HASH}`), {
      ok: true,
      value: { kind: 'link', link: { infoHash: HASH, name: undefined, trackers: [] } },
    })
    assert.equal(parseSource(`http://localhost:8080/#h=${HASH}&dn=x`).ok, true)
    assert.equal(parseSource(HASH).ok, true)
    const file = parseSource('movie.torrent', () => new Uint8Array([1]))
    assert.deepEqual(file, { ok: true, value: { kind: 'file', path: 'movie.torrent', bytes: new Uint8Array([1]) } })
    assert.match(
      parseSource('missing.torrent', () => {
        throw new Error('ENOENT')
      }).ok
        ? ''
        : 'Cannot read',
      /Cannot read/,
    )
    assert.equal(parseSource('nonsense').ok, false)
  })

  it("derives the app's WebSocket, HTTP and UDP trackers", () => {
    assert.deepEqual(trackersForApp('http://127.0.0.1:8080'), {
      ok: true,
      value: ['ws://127.0.0.1:8080/announce', 'http://127.0.0.1:8080/announce', 'udp://127.0.0.1:8080'],
    })
    assert.deepEqual(trackersForApp('https://share.example'), {
      ok: true,
      value: ['wss://share.example/announce', 'https://share.example/announce', 'udp://share.example:443'],
    })
    assert.equal(trackersForApp('ftp://x').ok, false)
    assert.equal(trackersForApp('not a url').ok, false)
  })

  it('checks rates, bootstrap nodes and trackers', () => {
    assert.deepEqual(parseRate('--r', '2MB/s'), { ok: true, value: 2_000_000 })
    assert.deepEqual(parseRate('--r', '500k'), { ok: true, value: 500_000 })
    assert.deepEqual(parseRate('--r', '1MiB/s'), { ok: true, value: 1_048_576 })
    assert.deepEqual(parseRate('--r', '1024'), { ok: true, value: 1024 })
    assert.equal(parseRate('--r', 'fast').ok, false)
    assert.deepEqual(parseHostPorts('127.0.0.1:6881, [::1]:7000'), {
      ok: true,
      value: ['127.0.0.1:6881', '[::1]:7000'],
    })
    assert.equal(parseHostPorts('127.0.0.1').ok, false)
    assert.equal(parseTrackers(['ftp://x']).ok, false)
  })
})
