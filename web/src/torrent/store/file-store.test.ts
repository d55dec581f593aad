import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { FileChunkStore } from './file-store.js'

const get = (store: FileChunkStore, index: number, range: { offset?: number; length?: number } | null = null) =>
  new Promise<Uint8Array>((resolve, reject) =>
    store.get(index, range, (err, chunk) => (err ? reject(err) : resolve(chunk!))),
  )

describe('FileChunkStore', () => {
  const parts = [randomBytes(100_000), randomBytes(3), randomBytes(5_000_000)]
  const all = Buffer.concat(parts)
  const pieceLength = 64 * 1024

  it('reads whole pieces and ranges across file boundaries, and a short last piece', async () => {
    const store = new FileChunkStore(pieceLength, {
      source: { kind: 'plain', blobs: parts.map((part) => new Blob([part])) },
      length: all.length,
      onReadError: () => assert.fail('no read error'),
    })
    const last = Math.ceil(all.length / pieceLength) - 1
    for (const index of [0, 1, 2, 70, last, 3]) {
      assert.deepEqual(
        Buffer.from(await get(store, index)),
        all.subarray(index * pieceLength, (index + 1) * pieceLength),
      )
    }
    assert.deepEqual(
      Buffer.from(await get(store, 1, { offset: 100, length: 16_384 })),
      all.subarray(pieceLength + 100, pieceLength + 100 + 16_384),
    )
    // The cache-chunk-store form: get(index, callback).
    const chunk = await new Promise<Uint8Array>((resolve) => store.get(2, (_err, data) => resolve(data!)))
    assert.equal(chunk.length, pieceLength)
    await assert.rejects(get(store, last + 1), /outside the files/)
  })

  // A file that can no longer be read is covered end to end (persistence.spec.ts: deleted from disk after a reload).
  it('refuses writes', async () => {
    const store = new FileChunkStore(pieceLength, {
      source: { kind: 'plain', blobs: [new Blob([new Uint8Array(10)])] },
      length: 10,
      onReadError: () => {},
    })
    await assert.rejects(
      new Promise((resolve, reject) => store.put(0, new Uint8Array(10), (err) => (err ? reject(err) : resolve(null)))),
      /read-only/,
    )
  })
})

describe('FileChunkStore with piece hashes (private shares)', () => {
  it('serves pieces that match their hashes and refuses a piece whose file changed', async () => {
    const pieceLength = 16 * 1024
    const shared = randomBytes(3 * pieceLength)
    const hashes = new Uint8Array(
      Buffer.concat(
        [0, 1, 2].map((i) =>
          createHash('sha1')
            .update(shared.subarray(i * pieceLength, (i + 1) * pieceLength))
            .digest(),
        ),
      ),
    )
    const errors: Error[] = []
    const store = new FileChunkStore(pieceLength, {
      source: { kind: 'plain', blobs: [new Blob([shared])] },
      length: shared.length,
      pieceHashes: hashes,
      onReadError: (err) => errors.push(err),
    })
    assert.deepEqual(Buffer.from(await get(store, 1)), shared.subarray(pieceLength, 2 * pieceLength))

    const changed = Buffer.from(shared)
    changed[2 * pieceLength + 5]! ^= 1
    const stale = new FileChunkStore(pieceLength, {
      source: { kind: 'plain', blobs: [new Blob([changed])] },
      length: changed.length,
      pieceHashes: hashes,
      onReadError: (err) => errors.push(err),
    })
    await assert.rejects(get(stale, 0), /changed since it was shared/)
    assert.equal(errors.length, 1)
  })
})
