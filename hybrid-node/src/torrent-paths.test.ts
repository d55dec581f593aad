import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import bencode from 'bencode'
import { unsafePathsInTorrentFile } from './torrent-paths.js'

const torrentWith = (name: string, paths: string[][]) =>
  bencode.encode({
    announce: 'ws://127.0.0.1/announce',
    info: {
      name,
      'piece length': 16384,
      pieces: new Uint8Array(20),
      files: paths.map((path) => ({ length: 1, path })),
    },
  })

describe('unsafe torrent paths', () => {
  it('accepts ordinary nested paths', () => {
    assert.deepEqual(unsafePathsInTorrentFile(torrentWith('Holiday', [['photos', 'a b.jpg'], ['été.txt']])), [])
  })

  it('finds every way out of the output folder', () => {
    assert.deepEqual(unsafePathsInTorrentFile(torrentWith('ok', [['..', '..', 'evil']])), ['ok/../../evil'])
    assert.equal(unsafePathsInTorrentFile(torrentWith('..', [['x']])).length, 1)
    assert.equal(unsafePathsInTorrentFile(torrentWith('ok', [['a\\..\\..\\evil']])).length, 1)
    assert.equal(unsafePathsInTorrentFile(torrentWith('ok', [['/etc', 'passwd']])).length, 1)
    assert.equal(unsafePathsInTorrentFile(torrentWith('ok', [['C:', 'x']])).length, 1)
    assert.equal(unsafePathsInTorrentFile(torrentWith('ok', [['a\u0000b']])).length, 1)
  })
})
