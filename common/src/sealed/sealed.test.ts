import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import { padmeRecords, planSealed, recordOffset, recordsOfRange, SEALED_TORRENT_NAME } from './layout.js'
import { manifestFilePath, parseManifest, type SealedManifest } from './manifest.js'
import {
  deriveRecordKeys,
  encodeHeader,
  openRecord,
  SEALED_RECORD_BYTES,
  SEALED_RECORD_DATA_BYTES,
  sealRecord,
  SealedRecordError,
} from './records.js'
import { encodeSecret, parseSecret, randomSecret } from './secret.js'
import {
  decryptFileRange,
  openSealedShare,
  sealedSource,
  sealedSpec,
  WRONG_KEY_MESSAGE,
  type ByteSource,
} from './share.js'

const b64url = (text: string) => Uint8Array.from(Buffer.from(text, 'base64url'))

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return Buffer.concat(parts)
}

/** Ciphertext of a byte range, in uneven chunks, as a torrent's file iterator gives it. */
async function* chunksOf(source: ByteSource, start: number, end: number): AsyncGenerator<Uint8Array> {
  for (let offset = start; offset <= end; offset += 40_000)
    yield source.read(offset, Math.min(end + 1, offset + 40_000))
}

describe('RFC 8188 records', () => {
  it('match the RFC’s example (section 3.1, "I am the walrus")', async () => {
    const ciphertext = b64url('I1BsxtFttlv3u_Oo94xnmwAAEAAA-NAVub2qFgBEuQKRapoZu-IxkIva3MEB1PD-ly8Thjg')
    const salt = ciphertext.subarray(0, 16)
    const keys = await deriveRecordKeys(b64url('yqdlZ-tYemfogSmv7Ws5PQ'), salt)
    const sealed = await sealRecord(keys, 0, new TextEncoder().encode('I am the walrus'), {
      last: true,
      recordBytes: 15 + 17,
    })
    assert.deepEqual(Buffer.concat([encodeHeader(salt, 4096), sealed]), Buffer.from(ciphertext))
    assert.equal(
      new TextDecoder().decode(await openRecord(keys, 0, ciphertext.subarray(21), { last: true })),
      'I am the walrus',
    )
  })

  it('refuse a record out of place, a wrong key, a flipped bit and a wrong end', async () => {
    const salt = randomBytes(16)
    const keys = await deriveRecordKeys(randomSecret(), salt)
    const record = await sealRecord(keys, 3, new Uint8Array([1, 2, 3]), { last: false })
    assert.equal(record.length, SEALED_RECORD_BYTES)
    assert.deepEqual([...(await openRecord(keys, 3, record, { last: false }))], [1, 2, 3])
    await assert.rejects(openRecord(keys, 4, record, { last: false }), SealedRecordError)
    await assert.rejects(
      openRecord(await deriveRecordKeys(randomSecret(), salt), 3, record, { last: false }),
      SealedRecordError,
    )
    const flipped = Uint8Array.from(record)
    flipped[100]! ^= 1
    await assert.rejects(openRecord(keys, 3, flipped, { last: false }), SealedRecordError)
    await assert.rejects(openRecord(keys, 3, record, { last: true }), /delimiter/)
  })
})

describe('private share layout', () => {
  it('pads to coarse buckets with Padmé, at most ~12 % more', () => {
    assert.deepEqual([1, 2, 3, 16, 17, 100, 1000].map(padmeRecords), [1, 2, 3, 16, 18, 104, 1024])
    for (let n = 2; n < 5000; n += 37) assert.ok(padmeRecords(n) >= n && padmeRecords(n) <= n * 1.125, String(n))
  })

  it('starts each file at a record of its own and hides small sizes behind one minimum', () => {
    const plan = planSealed(100, [SEALED_RECORD_DATA_BYTES + 1, 0, 5])
    assert.deepEqual(plan.files, [
      { firstRecord: 1, records: 2, length: SEALED_RECORD_DATA_BYTES + 1 },
      { firstRecord: 3, records: 0, length: 0 },
      { firstRecord: 3, records: 1, length: 5 },
    ])
    assert.equal(plan.length, planSealed(5000, [10]).length)
    assert.deepEqual(recordsOfRange(plan.files[0]!, SEALED_RECORD_DATA_BYTES - 1, SEALED_RECORD_DATA_BYTES), {
      first: 1,
      last: 2,
      skip: SEALED_RECORD_DATA_BYTES - 1,
      cipherStart: recordOffset(1),
      cipherEnd: recordOffset(3) - 1,
    })
  })
})

describe('private shares', () => {
  const files = [randomBytes(200_000), randomBytes(0), randomBytes(3 * SEALED_RECORD_DATA_BYTES)]
  const manifest: SealedManifest = {
    name: 'holiday',
    files: files.map((bytes, i) => ({ path: ['clips', `part ${i}.webm`], length: bytes.length, type: 'video/webm' })),
  }
  const secret = randomSecret()
  const spec = sealedSpec(
    secret,
    randomBytes(16),
    manifest,
    files.map((bytes) => new Blob([bytes])),
  )

  it('opens with the key, and every range of every file decrypts to the original bytes', async () => {
    const source = await sealedSource(spec)
    const whole = await source.read(0, source.size)
    assert.equal(whole.length, source.size)
    assert.equal(Buffer.from(whole).includes(Buffer.from('holiday')), false)
    const read = (start: number, end: number) => Promise.resolve(whole.subarray(start, end))
    const opened = await openSealedShare(secret, source.size, read)
    assert.ok(opened.ok, opened.ok ? '' : opened.error)
    assert.deepEqual(opened.value.manifest, manifest)
    for (const [index, bytes] of files.entries()) {
      if (bytes.length === 0) continue
      for (const [start, end] of [
        [0, bytes.length - 1],
        [1, 2],
        [SEALED_RECORD_DATA_BYTES - 3, SEALED_RECORD_DATA_BYTES + 3],
        [bytes.length - 10, bytes.length - 1],
      ] as const) {
        const range = recordsOfRange(opened.value.plan.files[index]!, start, end)
        const plain = await collect(
          decryptFileRange(opened.value, index, start, end, chunksOf(source, range.cipherStart, range.cipherEnd)),
        )
        assert.deepEqual(plain, bytes.subarray(start, end + 1), `file ${index} bytes ${start}-${end}`)
      }
    }
  })

  it('reads the same ciphertext by any range (so pieces hash the same from any window)', async () => {
    const source = await sealedSource(spec)
    const whole = Buffer.from(await source.read(0, source.size))
    for (const [start, end] of [
      [0, 7],
      [15, 30_000],
      [recordOffset(2) - 5, recordOffset(4) + 9],
    ] as const) {
      assert.deepEqual(Buffer.from(await source.read(start, end)), whole.subarray(start, end))
    }
  })

  it('says so in plain words when the key is wrong, and refuses tampered records', async () => {
    const source = await sealedSource(spec)
    const whole = await source.read(0, source.size)
    const read = (start: number, end: number) => Promise.resolve(whole.subarray(start, end))
    assert.deepEqual(await openSealedShare(randomSecret(), source.size, read), { ok: false, error: WRONG_KEY_MESSAGE })
    const opened = await openSealedShare(secret, source.size, read)
    assert.ok(opened.ok)
    const tampered = Uint8Array.from(whole)
    const span = opened.value.plan.files[0]!
    tampered[recordOffset(span.firstRecord) + 10]! ^= 0xff
    const range = recordsOfRange(span, 0, 10)
    const chunks = (async function* () {
      yield tampered.subarray(range.cipherStart, range.cipherEnd + 1)
    })()
    await assert.rejects(collect(decryptFileRange(opened.value, 0, 0, 10, chunks)), SealedRecordError)
  })
})

describe('secrets and manifests', () => {
  it('round-trips a secret through its link form and refuses damaged ones', () => {
    const secret = randomSecret()
    const text = encodeSecret(secret)
    assert.match(text, /^[A-Za-z0-9_-]{22}$/)
    assert.deepEqual(parseSecret(text), { ok: true, value: secret })
    for (const bad of ['', text.slice(1), `${text}A`, text.replace(/.$/, '!')])
      assert.equal(parseSecret(bad).ok, false, bad)
  })

  it('refuses manifests with paths that climb out, odd sizes or no files', () => {
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
    const good = { v: 1, name: 'x', files: [{ path: ['a', 'b.txt'], length: 3, type: 'text/plain' }] }
    assert.equal(parseManifest(encode(good)).ok, true)
    for (const file of [
      { path: ['..', 'x'], length: 1 },
      { path: ['a/b'], length: 1 },
      { path: [], length: 1 },
      { path: ['a'], length: -1 },
      { path: ['a'], length: 1.5 },
      { path: ['a\u0000'], length: 1 },
    ]) {
      assert.equal(parseManifest(encode({ ...good, files: [file] })).ok, false, JSON.stringify(file))
    }
    assert.equal(parseManifest(encode({ ...good, files: [] })).ok, false)
    assert.equal(parseManifest(new Uint8Array([0xff, 0xfe])).ok, false)
    assert.equal(parseManifest(encode({ ...good, v: 2 })).ok, false)
    assert.equal(SEALED_TORRENT_NAME.includes('x'), false)
  })

  it('lays files out as a public torrent of them would: under the share’s name, but for one loose file', () => {
    const folder = {
      name: 'Trip',
      files: [
        { path: ['day 1', 'a.jpg'], length: 1, type: '' },
        { path: ['b.txt'], length: 1, type: '' },
      ],
    }
    assert.deepEqual(
      [manifestFilePath(folder, 0), manifestFilePath(folder, 1)],
      [
        ['Trip', 'day 1', 'a.jpg'],
        ['Trip', 'b.txt'],
      ],
    )
    assert.deepEqual(manifestFilePath({ name: 'a.txt', files: [{ path: ['a.txt'], length: 1, type: '' }] }, 0), [
      'a.txt',
    ])
  })
})
