import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { describe, it } from 'node:test'
import { loadBrowserBundle } from '../contract/browser-bundle.js'
import { upstreamClasses } from '../contract/classes.js'
import { dropWhenDisconnected } from './dead-peers.js'

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
await loadBrowserBundle()
const { SimplePeer: BundlePeer } = await upstreamClasses('browser')

describe('peers that stop answering', () => {
  it('are dropped once disconnected for the grace period, when others can take over', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const peer = new FakePeer()
    dropWhenDisconnected(peer, () => true, GRACE_MS)
    peer.emit('iceStateChange', 'disconnected')
    context.mock.timers.tick(GRACE_MS - 1)
    assert.equal(peer.destroyed, false)
    context.mock.timers.tick(1)
    assert.equal(peer.destroyed, true)
    assert.match(peer.reason?.message ?? '', /stopped answering/)
  })

  it('are kept when ICE recovers within it, or left alone once closed', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const recovered = new FakePeer()
    dropWhenDisconnected(recovered, () => true, GRACE_MS)
    recovered.emit('iceStateChange', 'disconnected')
    recovered.emit('iceStateChange', 'connected')
    const closed = new FakePeer()
    dropWhenDisconnected(closed, () => true, GRACE_MS)
    closed.emit('iceStateChange', 'disconnected')
    closed.emit('close')
    context.mock.timers.tick(GRACE_MS * 2)
    assert.equal(recovered.destroyed, false)
    assert.equal(closed.destroyed, false)
  })

  it('are kept when they are the only peer: nobody else could serve their blocks', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const only = new FakePeer()
    dropWhenDisconnected(only, () => false, GRACE_MS)
    only.emit('iceStateChange', 'disconnected')
    context.mock.timers.tick(GRACE_MS * 2)
    assert.equal(only.destroyed, false)
  })

  it("drop the browser bundle's real simple-peer, which then closes", { timeout: 10_000 }, async (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const peer = new (BundlePeer as unknown as new (options: object) => FakePeer)({
      initiator: true,
      trickle: false,
      config: { iceServers: [] },
    })
    const closed = new Promise((resolve) => peer.once('close', resolve))
    peer.on('error', () => {})
    dropWhenDisconnected(peer, () => true, GRACE_MS)
    peer.emit('iceStateChange', 'disconnected')
    context.mock.timers.tick(GRACE_MS)
    context.mock.timers.reset()
    await closed
    assert.equal(peer.destroyed, true)
  })
})
