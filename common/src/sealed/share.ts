import { fail, ok, type Result } from '../result.js'
import {
  MANIFEST_PREFIX_BYTES,
  planSealed,
  recordOffset,
  recordsInStream,
  recordsOfRange,
  type SealedPlan,
} from './layout.js'
import { encodeManifest, parseManifest, type SealedManifest } from './manifest.js'
import {
  deriveRecordKeys,
  encodeHeader,
  openRecord,
  parseHeader,
  SEALED_HEADER_BYTES,
  SEALED_RECORD_BYTES,
  SEALED_RECORD_DATA_BYTES,
  sealRecord,
  SealedRecordError,
  type RecordKeys,
} from './records.js'

/** Bytes read by range; `end` is exclusive. What a chunk store or a hashing job reads from. */
export type ByteSource = { readonly size: number; read(start: number, end: number): Promise<Uint8Array> }

/**
 * Everything a sender needs to produce a private share's ciphertext again from the plain files, at
 * any time (the records' nonces come from their positions, so the same bytes come out every time):
 * plain data, so it can be posted to a worker and kept in IndexedDB.
 */
export type SealedSpec = { secret: Uint8Array; salt: Uint8Array; manifest: Uint8Array; blobs: Blob[] }

/** A private share, opened: its keys, its file list and where each file's records are. */
export type SealedShare = { keys: RecordKeys; manifest: SealedManifest; plan: SealedPlan }

/** Starts a private share of these files: the manifest the files' names make, and a fresh salt. */
export function sealedSpec(secret: Uint8Array, salt: Uint8Array, manifest: SealedManifest, blobs: Blob[]): SealedSpec {
  return { secret, salt, manifest: encodeManifest(manifest), blobs }
}

/**
 * The ciphertext of a private share, read by range: the records a range touches are built from the
 * plain files and encrypted on the fly, so the sender never stores a copy.
 */
export async function sealedSource(spec: SealedSpec): Promise<ByteSource> {
  const plan = planSealed(
    spec.manifest.length,
    spec.blobs.map((blob) => blob.size),
  )
  const keys = await deriveRecordKeys(spec.secret, spec.salt)
  const header = encodeHeader(spec.salt)
  // A full record's plaintext: its data and the delimiter.
  const scratch = new Uint8Array(SEALED_RECORD_DATA_BYTES + 1)
  const manifestRegion = new Uint8Array(MANIFEST_PREFIX_BYTES + spec.manifest.length)
  new DataView(manifestRegion.buffer).setUint32(0, spec.manifest.length)
  manifestRegion.set(spec.manifest, MANIFEST_PREFIX_BYTES)

  /** The plain data of records first..last, read from each file once. */
  async function dataOf(first: number, last: number): Promise<Uint8Array[]> {
    const data: Uint8Array[] = Array.from({ length: last - first + 1 }, () => new Uint8Array(0))
    const regionOf = (start: number, end: number) => manifestRegion.subarray(start, end)
    for (let record = first; record <= Math.min(last, plan.manifestRecords - 1); record++) {
      data[record - first] = regionOf(record * SEALED_RECORD_DATA_BYTES, (record + 1) * SEALED_RECORD_DATA_BYTES)
    }
    await Promise.all(
      plan.files.map(async (span, index) => {
        const from = Math.max(first, span.firstRecord)
        const to = Math.min(last, span.firstRecord + span.records - 1)
        if (from > to) return
        const start = (from - span.firstRecord) * SEALED_RECORD_DATA_BYTES
        const end = Math.min(span.length, (to - span.firstRecord + 1) * SEALED_RECORD_DATA_BYTES)
        const bytes = new Uint8Array(await spec.blobs[index]!.slice(start, end).arrayBuffer())
        if (bytes.length !== end - start) throw new Error('a shared file changed size')
        for (let record = from; record <= to; record++) {
          const offset = (record - from) * SEALED_RECORD_DATA_BYTES
          data[record - first] = bytes.subarray(offset, offset + SEALED_RECORD_DATA_BYTES)
        }
      }),
    )
    return data
  }

  return {
    size: plan.length,
    async read(start, end) {
      end = Math.min(end, plan.length)
      const out = new Uint8Array(Math.max(0, end - start))
      if (out.length === 0) return out
      if (start < SEALED_HEADER_BYTES) out.set(header.subarray(start, Math.min(end, SEALED_HEADER_BYTES)))
      const first = Math.floor((Math.max(start, SEALED_HEADER_BYTES) - SEALED_HEADER_BYTES) / SEALED_RECORD_BYTES)
      const last = Math.floor((end - 1 - SEALED_HEADER_BYTES) / SEALED_RECORD_BYTES)
      if (end <= SEALED_HEADER_BYTES) return out
      const data = await dataOf(first, last)
      // One after another: WebCrypto runs them on one thread anyway, and in turn each reuses the scratch buffer
      // (256 MiB took 198 ms so, 231 ms all at once, in Chromium here).
      for (const [i, bytes] of data.entries()) {
        const record = await sealRecord(keys, first + i, bytes, { last: first + i === plan.records - 1, scratch })
        const recordStart = recordOffset(first + i)
        const from = Math.max(start, recordStart)
        const to = Math.min(end, recordStart + SEALED_RECORD_BYTES)
        out.set(record.subarray(from - recordStart, to - recordStart), from - start)
      }
      return out
    },
  }
}

/** What the sender knows of its own share without reading it back: the keys, the manifest and the plan. */
export async function shareOfSpec(spec: Omit<SealedSpec, 'blobs'>): Promise<Result<SealedShare>> {
  const manifest = parseManifest(spec.manifest)
  if (!manifest.ok) return manifest
  const plan = planSealed(
    spec.manifest.length,
    manifest.value.files.map((file) => file.length),
  )
  return ok({ keys: await deriveRecordKeys(spec.secret, spec.salt), manifest: manifest.value, plan })
}

/** Plain words for why a private share does not open. */
export const WRONG_KEY_MESSAGE =
  'This link’s key does not open this share: the link may be cut short or changed. Ask the sender to copy the whole link again.'

/**
 * Opens a private share of `length` bytes: reads its header and its manifest's records (through
 * `read`, whose `end` is exclusive), checks they fit the torrent, and returns what is inside.
 */
export async function openSealedShare(
  secret: Uint8Array,
  length: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
): Promise<Result<SealedShare>> {
  const records = recordsInStream(length)
  if (records === null) return fail('This is not a Swarmdrop private share (its size does not fit).')
  const header = parseHeader(await read(0, SEALED_HEADER_BYTES))
  if (!header.ok) return header
  const keys = await deriveRecordKeys(secret, header.value.salt)
  const openAt = async (record: number) =>
    openRecord(keys, record, await read(recordOffset(record), recordOffset(record + 1)), {
      last: record === records - 1,
    })
  let region: Uint8Array
  try {
    const first = await openAt(0)
    if (first.length < MANIFEST_PREFIX_BYTES) return fail('This private share’s file list is damaged.')
    const manifestBytes = new DataView(first.buffer, first.byteOffset, first.byteLength).getUint32(0)
    const manifestRecords = Math.ceil((MANIFEST_PREFIX_BYTES + manifestBytes) / SEALED_RECORD_DATA_BYTES)
    if (manifestRecords > records) return fail('This private share’s file list is damaged.')
    const rest = await Promise.all(Array.from({ length: manifestRecords - 1 }, (_, i) => openAt(i + 1)))
    region = concat([first, ...rest]).subarray(MANIFEST_PREFIX_BYTES, MANIFEST_PREFIX_BYTES + manifestBytes)
  } catch (err) {
    if (err instanceof SealedRecordError) return fail(WRONG_KEY_MESSAGE)
    throw err
  }
  const manifest = parseManifest(region)
  if (!manifest.ok) return manifest
  const plan = planSealed(
    region.length,
    manifest.value.files.map((file) => file.length),
  )
  if (plan.records !== records) return fail('This private share’s file list does not match its size.')
  return ok({ keys, manifest: manifest.value, plan })
}

/**
 * Decrypts bytes `start`..`end` (inclusive) of one file of a share from its records' ciphertext,
 * given as chunks in order from the first such record (see `recordsOfRange`). A record that fails
 * authentication throws SealedRecordError: nothing unverified is ever yielded.
 */
export async function* decryptFileRange(
  share: SealedShare,
  fileIndex: number,
  start: number,
  end: number,
  ciphertext: AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  const span = share.plan.files[fileIndex]
  if (!span || span.length === 0 || start > end) return
  const range = recordsOfRange(span, start, end)
  let record = range.first
  let pending = new Uint8Array(SEALED_RECORD_BYTES)
  let filled = 0
  for await (const chunk of ciphertext) {
    for (let offset = 0; offset < chunk.length && record <= range.last;) {
      const taken = Math.min(chunk.length - offset, SEALED_RECORD_BYTES - filled)
      pending.set(chunk.subarray(offset, offset + taken), filled)
      filled += taken
      offset += taken
      if (filled < SEALED_RECORD_BYTES) continue
      const data = await openRecord(share.keys, record, pending, { last: record === share.plan.records - 1 })
      const indexInFile = record - span.firstRecord
      const expected = Math.min(SEALED_RECORD_DATA_BYTES, span.length - indexInFile * SEALED_RECORD_DATA_BYTES)
      if (data.length !== expected)
        throw new SealedRecordError(`Record ${record} holds ${data.length} bytes, not ${expected}.`)
      const from = record === range.first ? range.skip : 0
      const to = record === range.last ? (end % SEALED_RECORD_DATA_BYTES) + 1 : data.length
      yield data.slice(from, to)
      record++
      pending = new Uint8Array(SEALED_RECORD_BYTES)
      filled = 0
    }
    if (record > range.last) return
  }
  if (record <= range.last) throw new SealedRecordError('The private share ended early.')
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0))
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
