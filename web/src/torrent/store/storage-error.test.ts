import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { asError, isOutOfSpace } from './storage-error.js'

describe('storage failures', () => {
  it('are recognised as "out of space" in every browser', () => {
    assert.equal(isOutOfSpace(new DOMException('The quota has been exceeded.', 'QuotaExceededError')), true)
    // Firefox's private file system: a plain object, not an Error, named after the internal code.
    assert.equal(isOutOfSpace({ name: 'NS_ERROR_FILE_NO_DEVICE_SPACE', result: 0x80520010 }), true)
    assert.equal(isOutOfSpace({ name: 'NS_ERROR_DOM_QUOTA_REACHED', message: '' }), true)
    // An IndexedDB transaction Firefox aborted for want of space.
    assert.equal(isOutOfSpace(null), true)
    // Through the store worker, an error is rebuilt from its name and message.
    assert.equal(isOutOfSpace(Object.assign(new Error(''), { name: 'NS_ERROR_FILE_NO_DEVICE_SPACE' })), true)
    assert.equal(
      isOutOfSpace(new DOMException('A requested file or directory could not be found.', 'NotFoundError')),
      false,
    )
    assert.equal(isOutOfSpace(new Error('Bytes 0–16 are not stored.')), false)
  })

  it('become Errors with a name and a message, whatever was thrown', () => {
    const fromFirefox = asError({ name: 'NS_ERROR_FILE_NO_DEVICE_SPACE' })
    assert.ok(fromFirefox instanceof Error)
    assert.deepEqual(
      [fromFirefox.name, fromFirefox.message],
      ['NS_ERROR_FILE_NO_DEVICE_SPACE', 'NS_ERROR_FILE_NO_DEVICE_SPACE'],
    )
    assert.match(asError(null).message, /gave no reason/)
    const original = new TypeError('x')
    assert.equal(asError(original), original)
  })
})
