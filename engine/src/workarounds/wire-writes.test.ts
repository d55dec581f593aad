import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Duplex } from 'node:stream'
import { upstreamClasses } from '../contract/classes.js'
import { batchWireWrites } from './wire-writes.js'

type TestWire = Duplex & {
  handshake(infoHash: string, peerId: string): void
  have(index: number): void
  piece(index: number, offset: number, buffer: Uint8Array): void
}

// The real Wire classes: bittorrent-protocol's (the Node build's), and the copy in webtorrent's browser bundle.
const builds = [
  { build: 'node', Wire: (await upstreamClasses('node')).Wire as unknown as new () => TestWire },
  { build: 'browser', Wire: (await upstreamClasses('browser')).Wire as unknown as new () => TestWire },
]

for (const { build, Wire } of builds) {
  /** Two connected Wires; returns what `sender` writes, one entry per write. */
  function connectedPair(): { sender: TestWire; receiver: TestWire; writes: Uint8Array[] } {
    const sender = new Wire()
    const receiver = new Wire()
    const writes: Uint8Array[] = []
    const push = sender.push.bind(sender)
    sender.push = (chunk: Uint8Array) => (writes.push(chunk), push(chunk))
    sender.pipe(receiver).pipe(sender)
    for (const wire of [sender, receiver])
      wire.handshake('01'.repeat(20), wire === sender ? 'aa'.repeat(20) : 'bb'.repeat(20))
    return { sender, receiver, writes }
  }

  describe(`wire writes (${build} build)`, () => {
    it('writes a block and its header at once, and the receiver reads it as before', async () => {
      const { sender, receiver, writes } = connectedPair()
      batchWireWrites(sender)
      const block = new Uint8Array(16 * 1024).map((_, i) => i % 251)
      const received = new Promise<[number, number, Uint8Array]>((resolve) =>
        receiver.once('piece', (...args: [number, number, Uint8Array]) => resolve(args)),
      )
      sender.piece(7, 32768, block)
      const [index, offset, bytes] = await received
      assert.deepEqual([index, offset], [7, 32768])
      assert.deepEqual(bytes, block)
      const blockWrites = writes.filter((write) => write.length > 100)
      assert.equal(blockWrites.length, 1)
      assert.equal(blockWrites[0]!.length, 13 + block.length)
    })

    it('writes the small messages of one task together, in order, and patches the class once', async () => {
      const { sender, receiver, writes } = connectedPair()
      batchWireWrites(sender)
      batchWireWrites(receiver)
      // The handshakes have crossed once each side has the other's.
      await Promise.all(
        [sender, receiver].map(
          (wire) =>
            new Promise((resolve) =>
              (wire as TestWire & { peerId?: string }).peerId ? resolve(null) : wire.once('handshake', resolve),
            ),
        ),
      )
      const before = writes.length
      const haves: number[] = []
      const received = new Promise<void>((resolve) =>
        receiver.on('have', (index: number) => haves.push(index) === 3 && resolve()),
      )
      sender.have(1)
      sender.have(2)
      sender.have(3)
      await received
      assert.deepEqual(haves, [1, 2, 3])
      assert.deepEqual(
        writes.slice(before).map((write) => [...write]),
        [[0, 0, 0, 5, 4, 0, 0, 0, 1, 0, 0, 0, 5, 4, 0, 0, 0, 2, 0, 0, 0, 5, 4, 0, 0, 0, 3]],
      )
    })

    it('writes a block after the small messages before it', async () => {
      const { sender, receiver } = connectedPair()
      batchWireWrites(sender)
      const events: string[] = []
      const received = new Promise<void>((resolve) => receiver.once('piece', () => resolve()))
      receiver.on('have', (index: number) => events.push(`have ${index}`))
      receiver.on('piece', (index: number) => events.push(`piece ${index}`))
      sender.have(4)
      sender.piece(5, 0, new Uint8Array(16 * 1024))
      await received
      assert.deepEqual(events, ['have 4', 'piece 5'])
    })
  })
}
