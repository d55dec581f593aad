import { SEALED_HEADER_BYTES, SEALED_RECORD_BYTES, SEALED_RECORD_DATA_BYTES } from './records.js'

/*
 * A private share is one stream of records, seeded as a torrent of one file:
 *   records 0..m-1   the manifest (names, folders, sizes, types), prefixed by its length (uint32 BE)
 *   then each file   from a record of its own, so a byte of a file maps to one record by arithmetic
 *   then padding     records of no data, up to a coarse bucket of records (Padmé)
 * Every record is full size whatever it carries, so the torrent shows the bucket and nothing else.
 */

/** The torrent's (only) name for every private share: it says nothing about what is inside. */
export const SEALED_TORRENT_NAME = 'swarmdrop-private-share'
/** The length prefix of the manifest, in record 0. */
export const MANIFEST_PREFIX_BYTES = 4
/** The fewest records a share has (1 MiB): small files all look alike. */
const MIN_RECORDS = 16

export type SealedFileSpan = { firstRecord: number; records: number; length: number }

export type SealedPlan = {
  manifestRecords: number
  files: SealedFileSpan[]
  /** Records in all, padding included. */
  records: number
  /** Bytes of the whole stream (the torrent's length). */
  length: number
}

const recordsFor = (bytes: number) => Math.ceil(bytes / SEALED_RECORD_DATA_BYTES)

/** Where everything goes, from the manifest's size and the files' sizes alone. */
export function planSealed(manifestBytes: number, fileLengths: readonly number[]): SealedPlan {
  const manifestRecords = recordsFor(MANIFEST_PREFIX_BYTES + manifestBytes)
  let cursor = manifestRecords
  const files = fileLengths.map((length) => {
    const span = { firstRecord: cursor, records: recordsFor(length), length }
    cursor += span.records
    return span
  })
  const records = padmeRecords(Math.max(cursor, MIN_RECORDS))
  return { manifestRecords, files, records, length: SEALED_HEADER_BYTES + records * SEALED_RECORD_BYTES }
}

/** The number of records a stream of `length` bytes holds, or null if it is not a whole number. */
export function recordsInStream(length: number): number | null {
  const records = (length - SEALED_HEADER_BYTES) / SEALED_RECORD_BYTES
  return Number.isInteger(records) && records > 0 ? records : null
}

/**
 * Padmé (Nikitin et al., "Reducing Metadata Leakage from Encrypted Files and Communication with
 * PURBs", PETS 2019): rounds up so that a size leaks O(log log n) bits, at most ~12 % more bytes.
 */
export function padmeRecords(records: number): number {
  if (records < 2) return records
  const exponent = Math.floor(Math.log2(records))
  const lastBits = exponent - (Math.floor(Math.log2(exponent)) + 1)
  const step = 2 ** Math.max(lastBits, 0)
  return Math.ceil(records / step) * step
}

/** Byte offset of a record in the stream. */
export const recordOffset = (record: number): number => SEALED_HEADER_BYTES + record * SEALED_RECORD_BYTES

/**
 * The records, and their bytes in the stream, that hold bytes `start`..`end` (inclusive) of a file;
 * `skip` is how many data bytes of the first record come before `start`.
 */
export function recordsOfRange(
  span: SealedFileSpan,
  start: number,
  end: number,
): { first: number; last: number; skip: number; cipherStart: number; cipherEnd: number } {
  const first = span.firstRecord + Math.floor(start / SEALED_RECORD_DATA_BYTES)
  const last = span.firstRecord + Math.floor(end / SEALED_RECORD_DATA_BYTES)
  return {
    first,
    last,
    skip: start % SEALED_RECORD_DATA_BYTES,
    cipherStart: recordOffset(first),
    cipherEnd: recordOffset(last + 1) - 1,
  }
}
