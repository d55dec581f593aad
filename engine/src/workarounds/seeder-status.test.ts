import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import { countSeederByPieces } from './seeder-status.js'

describe('countSeederByPieces', () => {
  it('counts a peer a seeder once it has announced every piece', () => {
    const torrent = { pieces: new Array(100) }
    // As bittorrent-protocol keeps a peer that sent no bitfield: empty, growing with each 'have'
    // (bitfield's growth overshoots: 100 pieces set in order made 16 bytes, where webtorrent wants 13).
    const had = new Set<number>()
    const wire = Object.assign(new EventEmitter(), { isSeeder: false, peerPieces: { get: (i: number) => had.has(i) } })
    countSeederByPieces(torrent, wire)
    for (let index = 0; index < 100; index++) {
      assert.equal(wire.isSeeder, false)
      had.add(index)
      wire.emit('have', index)
    }
    assert.equal(wire.isSeeder, true)
  })
})
