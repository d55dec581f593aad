import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { pathFromStats } from './peers.js'

const candidates = [
  { id: 'L1', type: 'local-candidate', candidateType: 'host' },
  { id: 'L2', type: 'local-candidate', candidateType: 'relay' },
  { id: 'R1', type: 'remote-candidate', candidateType: 'srflx' },
]

describe('peer connection path', () => {
  it('follows the transport to the selected pair', () => {
    const stats = [
      ...candidates,
      { id: 'P1', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R1' },
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P1' },
    ]
    assert.deepEqual(pathFromStats(stats), { path: 'relayed', candidates: 'relay → srflx' })
  })

  it('falls back to the nominated, succeeded pair', () => {
    const stats = [
      ...candidates,
      {
        id: 'P1',
        type: 'candidate-pair',
        state: 'succeeded',
        nominated: true,
        localCandidateId: 'L1',
        remoteCandidateId: 'R1',
      },
    ]
    assert.deepEqual(pathFromStats(stats), { path: 'direct', candidates: 'host → srflx' })
  })

  it('has no path while still connecting', () => {
    assert.equal(pathFromStats(candidates), null)
  })
})
