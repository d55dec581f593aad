import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
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
    })
  })

  it('drops damaged entries instead of failing', () => {
    for (const bad of [null, 'x', { ...record, infoHash: 'nope' }, { ...record, role: 'owner' }, { ...record, torrentFile: 'bytes' }]) {
      assert.equal(parseLibraryRecord(bad), null)
    }
  })
})
