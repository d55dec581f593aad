import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { dropWhenDisconnected } from './dead-peers'

/** A simple-peer connection as far as this sees it: ICE state events, close, destroy. */
class FakePeer extends EventEmitter {
  destroyed = false
  reason: Error | null = null
  destroy(err?: Error) {
    this.destroyed = true
    this.reason = err ?? null
    this.emit('close')
  }
}

const GRACE_MS = 20

describe('peers that stop answering', () => {
  it('are dropped once disconnected for the grace period, when others can take over', async () => {
    const peer = new FakePeer()
    dropWhenDisconnected(peer, () => true, GRACE_MS)
    peer.emit('iceStateChange', 'disconnected')
    await sleep(GRACE_MS / 2)
    assert.equal(peer.destroyed, false)
    await sleep(GRACE_MS)
    assert.equal(peer.destroyed, true)
    assert.match(peer.reason?.message ?? '', /stopped answering/)
  })

  it('are kept when ICE recovers within it, or left alone once closed', async () => {
    const recovered = new FakePeer()
    dropWhenDisconnected(recovered, () => true, GRACE_MS)
    recovered.emit('iceStateChange', 'disconnected')
    recovered.emit('iceStateChange', 'connected')
    const closed = new FakePeer()
    dropWhenDisconnected(closed, () => true, GRACE_MS)
    closed.emit('iceStateChange', 'disconnected')
    closed.emit('close')
    await sleep(GRACE_MS * 2)
    assert.equal(recovered.destroyed, false)
    assert.equal(closed.destroyed, false)
  })

  it('are kept when they are the only peer: nobody else could serve their blocks', async () => {
    const only = new FakePeer()
    dropWhenDisconnected(only, () => false, GRACE_MS)
    only.emit('iceStateChange', 'disconnected')
    await sleep(GRACE_MS * 2)
    assert.equal(only.destroyed, false)
  })
})
