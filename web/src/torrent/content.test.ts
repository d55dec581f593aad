import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { toStream } from './content.js'

describe('toStream', () => {
  it('reports a failed chunk (a record that fails authentication) and errors the stream', async () => {
    const failures: string[] = []
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([1])
      throw new Error('record 3 failed authentication')
    }
    const reader = toStream(chunks(), (err) => failures.push(err.message)).getReader()
    assert.deepEqual((await reader.read()).value, new Uint8Array([1]))
    await assert.rejects(reader.read(), /failed authentication/)
    assert.deepEqual(failures, ['record 3 failed authentication'])
  })

  it('reports nothing when the reader cancels while a chunk is on its way (a player seeking elsewhere)', async () => {
    const failures: string[] = []
    let release = () => {}
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([1])
      await new Promise<void>((resolve) => (release = resolve))
      yield new Uint8Array([2])
    }
    const stream = toStream(chunks(), (err) => failures.push(err.message))
    const reader = stream.getReader()
    await reader.read()
    const pending = reader.read()
    await new Promise((resolve) => setImmediate(resolve))
    await reader.cancel()
    release()
    assert.equal((await pending).done, true)
    await new Promise((resolve) => setImmediate(resolve))
    assert.deepEqual(failures, [])
  })
})
