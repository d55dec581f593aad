import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import Wire from 'bittorrent-protocol'
import { writeMessagesWhole } from './wire-messages.js'

type TestWire = InstanceType<typeof Wire>

/** Two connected Wires; returns what `sender` writes, one entry per write. */
function connectedPair(): { sender: TestWire; receiver: TestWire; writes: Uint8Array[] } {
  const sender = new Wire()
  const receiver = new Wire()
  const writes: Uint8Array[] = []
  const push = sender.push.bind(sender)
  sender.push = (chunk: Uint8Array) => (writes.push(chunk), push(chunk))
  sender.pipe(receiver).pipe(sender)
  for (const wire of [sender, receiver]) wire.handshake('01'.repeat(20), wire === sender ? 'aa'.repeat(20) : 'bb'.repeat(20))
  return { sender, receiver, writes }
}

describe('whole wire messages', () => {
  it('writes a block and its header at once, and the receiver reads it as before', async () => {
    const { sender, receiver, writes } = connectedPair()
    writeMessagesWhole(sender)
    const block = new Uint8Array(16 * 1024).map((_, i) => i % 251)
    const received = new Promise<[number, number, Uint8Array]>((resolve) => receiver.once('piece', (...args: [number, number, Uint8Array]) => resolve(args)))
    sender.piece(7, 32768, block)
    const [index, offset, bytes] = await received
    assert.deepEqual([index, offset], [7, 32768])
    assert.deepEqual(bytes, block)
    const blockWrites = writes.filter((write) => write.length > 100)
    assert.equal(blockWrites.length, 1)
    assert.equal(blockWrites[0]!.length, 13 + block.length)
  })

  it('writes messages without a payload as before, and patches the class once', async () => {
    const { sender, receiver, writes } = connectedPair()
    writeMessagesWhole(sender)
    writeMessagesWhole(receiver)
    const have = new Promise<number>((resolve) => receiver.once('have', resolve))
    sender.have(42)
    assert.equal(await have, 42)
    assert.deepEqual(writes.filter((write) => write[4] === 4).map((write) => [...write]), [[0, 0, 0, 5, 4, 0, 0, 0, 42]])
  })
})
