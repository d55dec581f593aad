import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Swarm } from './swarm.js'
import { TokenBucket } from './token-bucket.js'

describe('Swarm', () => {
  it('counts seeders and leechers as peers join, complete, move and leave', () => {
    const swarm = new Swarm<string>()
    swarm.upsert('a', 'socket-1', false)
    swarm.upsert('b', 'socket-1', true)
    assert.deepEqual([swarm.size, swarm.complete, swarm.incomplete], [2, 1, 1])
    swarm.upsert('a', 'socket-1', true)
    assert.equal(swarm.complete, 2)
    assert.equal(swarm.upsert('a', 'socket-2', true).movedFrom, 'socket-1')
    assert.equal(swarm.get('a')?.connection, 'socket-2')
    swarm.remove('a')
    swarm.remove('a')
    assert.deepEqual([swarm.size, swarm.complete], [1, 1])
  })

  it('samples distinct random peers, never the asking peer', () => {
    const swarm = new Swarm<number>()
    for (let i = 0; i < 50; i++) swarm.upsert(`peer-${i}`, i, false)
    const self = swarm.get('peer-7')!
    for (let round = 0; round < 200; round++) {
      const sample = swarm.sample(10, self)
      assert.equal(sample.length, 10)
      assert.equal(new Set(sample).size, 10)
      assert.ok(!sample.includes(self))
    }
    assert.equal(swarm.sample(100, self).length, 49)
    // Removal keeps the dense list consistent.
    for (let i = 0; i < 50; i += 2) swarm.remove(`peer-${i}`)
    assert.equal(swarm.sample(100, swarm.get('peer-1')!).length, 24)
  })
})

describe('TokenBucket', () => {
  it('allows a burst, then refills evenly over a minute; 0 is unlimited', () => {
    const bucket = new TokenBucket(60, 0)
    assert.equal(bucket.take(60, 0), true)
    assert.equal(bucket.take(1, 0), false)
    assert.equal(bucket.take(1, 1_000), true)
    assert.equal(bucket.isFull(30_000), false)
    assert.equal(bucket.isFull(61_000), true)
    assert.equal(new TokenBucket(0, 0).take(1_000_000, 0), true)
  })
})
