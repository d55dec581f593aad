import assert from 'node:assert/strict'
import { it } from 'node:test'
import { selectForStream } from '../index.js'
import { describeContract } from './describe-contract.js'

describeContract('browser', (swarm) => {
  it('asks for a stream’s range above the rest (stream-selection)', () => {
    const { leecher } = swarm()
    const selections = leecher._selections as {
      length: number
      get(index: number): { from: number; to: number; priority: number; isStreamSelection?: boolean }
    }
    selectForStream(leecher, 1, 2)
    const all = Array.from({ length: selections.length }, (_, index) => selections.get(index))
    assert.ok(
      all.some(
        (selection) =>
          selection.from === 1 && selection.to === 2 && selection.priority === 2 && selection.isStreamSelection,
      ),
    )
  })

  it('requested 64 KiB blocks (larger-blocks) and got the file in them', () => {
    const { blockLengths } = swarm()
    assert.ok(blockLengths.size > 0)
    assert.deepEqual(
      [...blockLengths].filter((length) => length > 64 * 1024),
      [],
    )
    assert.ok(blockLengths.has(64 * 1024))
  })
})
