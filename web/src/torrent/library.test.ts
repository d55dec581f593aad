import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { KEEPER_SECRET_PATTERN } from '@swarmdrop/common'
import { parseLibraryRecord } from './library.js'

const HASH = '2fd4e1c67a2d28fced849ee1bb76e7391b93eb12'
const record = {
  infoHash: HASH,
  name: 'a.bin',
  role: 'sent',
  addedAtMs: 5,
  length: 2,
  torrentFile: new Uint8Array([1, 2]),
  trackers: ['wss://t.example/announce'],
  stopped: false,
  stopReason: null,
  sealed: {
    secret: 'AAECAwQFBgcICQoLDA0ODw',
    sender: { salt: new Uint8Array(16), manifest: new Uint8Array([123, 125]) },
    keeper: { secret: 'k'.repeat(43), untilMs: 1_800_000_000_000 },
  },
}

describe('library records', () => {
  it('round-trips a record', () => {
    assert.deepEqual(parseLibraryRecord(record), record)
  })

  it('fills what an older version did not store', () => {
    assert.deepEqual(parseLibraryRecord({ infoHash: HASH.toUpperCase(), role: 'received', torrentFile: null }), {
      infoHash: HASH,
      name: HASH,
      role: 'received',
      addedAtMs: 0,
      length: null,
      torrentFile: null,
      trackers: [],
      stopped: false,
      stopReason: null,
      sealed: null,
    })
  })

  it('drops damaged entries instead of failing', () => {
    for (const bad of [
      null,
      'x',
      { ...record, infoHash: 'nope' },
      { ...record, role: 'owner' },
      { ...record, torrentFile: 'bytes' },
    ]) {
      assert.equal(parseLibraryRecord(bad), null)
    }
  })
})

describe('private shares in the library', () => {
  it('keeps the key, and drops a damaged one rather than the record', () => {
    assert.deepEqual(
      parseLibraryRecord({ ...record, sealed: { secret: 'AAECAwQFBgcICQoLDA0ODw', sender: null } })?.sealed,
      { secret: 'AAECAwQFBgcICQoLDA0ODw', sender: null, keeper: null },
    )
    assert.equal(parseLibraryRecord({ ...record, sealed: { secret: 'short' } })?.sealed, null)
  })

  it('gives a share stored before there was a keeper a keeper secret of its own', () => {
    const { keeper: _, ...older } = record.sealed
    const parsed = parseLibraryRecord({ ...record, sealed: older })?.sealed?.keeper
    assert.match(parsed?.secret ?? '', KEEPER_SECRET_PATTERN)
    assert.notEqual(parsed?.secret, parseLibraryRecord({ ...record, sealed: older })?.sealed?.keeper?.secret)
    assert.equal(parsed?.untilMs, null)
  })
})
