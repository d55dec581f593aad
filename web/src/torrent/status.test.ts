import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deriveStatus, type StatusInput } from './status.js'

const base: StatusInput = {
  role: 'received',
  hashing: false,
  error: null,
  stopped: false,
  trackerResponded: false,
  trackerSeeders: null,
  hasMetadata: false,
  done: false,
  numPeers: 0,
  downloadSpeed: 0,
}

describe('torrent status', () => {
  it('walks a download from connecting to done', () => {
    assert.equal(deriveStatus(base), 'connecting')
    assert.equal(deriveStatus({ ...base, trackerResponded: true, trackerSeeders: 1 }), 'searching')
    assert.equal(deriveStatus({ ...base, trackerResponded: true, trackerSeeders: 0 }), 'sender-offline')
    assert.equal(deriveStatus({ ...base, numPeers: 1 }), 'downloading')
    assert.equal(deriveStatus({ ...base, numPeers: 1, hasMetadata: true, downloadSpeed: 0 }), 'stalled')
    assert.equal(deriveStatus({ ...base, numPeers: 1, hasMetadata: true, downloadSpeed: 10 }), 'downloading')
    assert.equal(deriveStatus({ ...base, done: true }), 'done')
  })

  it('shows the sender hashing, then sharing', () => {
    assert.equal(deriveStatus({ ...base, role: 'sent', hashing: true }), 'hashing')
    assert.equal(deriveStatus({ ...base, role: 'sent', done: true }), 'seeding')
  })

  it('shows a stopped torrent as stopped, whatever it was doing', () => {
    assert.equal(deriveStatus({ ...base, stopped: true, numPeers: 2 }), 'stopped')
  })

  it('lets an error win over everything', () => {
    assert.equal(deriveStatus({ ...base, done: true, error: 'boom' }), 'error')
  })
})
