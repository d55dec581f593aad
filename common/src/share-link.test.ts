import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatShareLink, parseShareFragment, parseTorrentLinkText } from './share-link.js'

const HASH = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'

describe('share links', () => {
  it('round-trips the info hash, name and extra trackers', () => {
    const link = { infoHash: HASH, name: 'holiday video.mp4', trackers: ['wss://tracker.example/announce'] }
    const url = formatShareLink('https://swarmdrop.example', link)
    assert.equal(url.startsWith('https://swarmdrop.example/#h=' + HASH), true)
    const parsed = parseShareFragment(new URL(url).hash)
    assert.deepEqual(parsed, { ok: true, value: link })
  })

  it('treats an empty fragment as no link', () => {
    assert.deepEqual(parseShareFragment(''), { ok: true, value: null })
    assert.deepEqual(parseShareFragment('#'), { ok: true, value: null })
  })

  it('accepts a bare hex or base32 info hash', () => {
    assert.deepEqual(parseShareFragment('#' + HASH.toUpperCase()), {
      ok: true,
      value: { infoHash: HASH, trackers: [] },
    })
    const base32 = parseShareFragment('#F7KODRT2FUUPZ3MET3Q3W5XHHENZH2YS')
    assert.equal(base32.ok && base32.value?.infoHash, HASH)
  })

  it('accepts a magnet URI in the fragment, encoded or not', () => {
    const magnet = `magnet:?xt=urn:btih:${HASH}&dn=a`
    assert.equal(parseShareFragment('#' + magnet).ok, true)
    const encoded = parseShareFragment('#' + encodeURIComponent(magnet))
    assert.equal(encoded.ok && encoded.value?.name, 'a')
  })

  it('rejects a truncated or damaged link with a readable message', () => {
    const truncated = parseShareFragment('#h=' + HASH.slice(0, 25))
    assert.equal(truncated.ok, false)
    assert.match(!truncated.ok ? truncated.error : '', /damaged or incomplete/)
    assert.equal(parseShareFragment('#hello-there').ok, false)
    assert.equal(parseShareFragment('#h=zz' + HASH.slice(2)).ok, false)
  })

  it('drops invalid trackers instead of failing the link', () => {
    const parsed = parseShareFragment(`#h=${HASH}&tr=javascript:alert(1)&tr=not a url&tr=udp://t.example:80`)
    assert.deepEqual(parsed.ok && parsed.value?.trackers, ['udp://t.example:80'])
  })

  it('keeps a hostile name as plain text, without control characters', () => {
    const parsed = parseShareFragment(`#h=${HASH}&dn=${encodeURIComponent('<img src=x onerror=alert(1)>\u0000.txt')}`)
    assert.equal(parsed.ok && parsed.value?.name, '<img src=x onerror=alert(1)>.txt')
  })

  it('reads pasted text: share link, magnet, info hash', () => {
    assert.equal(parseTorrentLinkText(`http://localhost:8080/#h=${HASH}`).ok, true)
    assert.equal(parseTorrentLinkText(`magnet:?xt=urn:btih:${HASH}`).ok, true)
    assert.equal(parseTorrentLinkText(`  ${HASH}\n`).ok, true)
    assert.equal(parseTorrentLinkText('http://localhost:8080/').ok, false)
    assert.equal(parseTorrentLinkText('').ok, false)
  })
})

describe('private share links', () => {
  const secret = 'AAECAwQFBgcICQoLDA0ODw'
  it('carry the key and no name', () => {
    const url = formatShareLink('https://swarmdrop.example', {
      infoHash: HASH,
      name: 'secret plans.pdf',
      trackers: [],
      secret,
    })
    assert.equal(url, `https://swarmdrop.example/#h=${HASH}&k=${secret}`)
    assert.deepEqual(parseShareFragment(new URL(url).hash), {
      ok: true,
      value: { infoHash: HASH, name: undefined, trackers: [], secret },
    })
  })

  it('say so when the key is damaged', () => {
    const parsed = parseShareFragment(`#h=${HASH}&k=${secret.slice(0, 10)}`)
    assert.equal(parsed.ok, false)
    assert.match((parsed as { error: string }).error, /key is damaged/)
  })
})
