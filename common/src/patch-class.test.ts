import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { patchClassOnce, patchTrackerClassesOnce } from './patch-class.js'

describe('patching a class once', () => {
  it('patches the prototype of the first instance that comes by, and no other time', () => {
    class Thing {
      greet() {
        return 'hello'
      }
    }
    const marker = Symbol('test')
    let patches = 0
    const patch = (prototype: Thing) => {
      patches++
      prototype.greet = () => 'patched'
    }
    patchClassOnce(new Thing(), marker, patch)
    patchClassOnce(new Thing(), marker, patch)
    patchClassOnce(null, marker, patch)
    assert.equal(patches, 1)
    assert.equal(new Thing().greet(), 'patched')
  })

  it("patches only the trackers of a client that have the method (the WebSocket ones)", () => {
    class WebSocketTracker {
      _createPeer() {}
    }
    class HttpTracker {}
    const patched: object[] = []
    patchTrackerClassesOnce({ _trackers: [new HttpTracker(), new WebSocketTracker(), new WebSocketTracker()] }, '_createPeer', Symbol('test'), (prototype) => patched.push(prototype))
    assert.deepEqual(patched, [WebSocketTracker.prototype])
  })
})
