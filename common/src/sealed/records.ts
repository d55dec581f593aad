import { fail, ok, type Result } from '../result.js'

/*
 * RFC 8188 "aes128gcm" records (Encrypted Content-Encoding for HTTP), through WebCrypto only:
 *   header  = salt (16) | rs (uint32 BE) | idlen (1) | keyid (idlen, here 0)
 *   CEK     = HKDF-SHA-256(salt, IKM, "Content-Encoding: aes128gcm\0", 16 bytes)
 *   NONCE_i = HKDF-SHA-256(salt, IKM, "Content-Encoding: nonce\0", 12 bytes) XOR i (96-bit BE)
 *   record  = AES-128-GCM(CEK, NONCE_i, data | delimiter | 0x00...), delimiter 2 for the last record, else 1
 * The record's index in the nonce authenticates the order, and the delimiter the end: a record moved,
 * dropped, repeated or cut off fails to open.
 */

/** Ciphertext bytes of every record of a private share (rs): a seek decrypts one or two of them. */
export const SEALED_RECORD_BYTES = 64 * 1024
/** AES-GCM's authentication tag, at the end of every record. */
const TAG_BYTES = 16
/** Plaintext bytes a full record carries: rs less the tag and the delimiter. */
export const SEALED_RECORD_DATA_BYTES = SEALED_RECORD_BYTES - TAG_BYTES - 1
const SALT_BYTES = 16
export const SEALED_HEADER_BYTES = SALT_BYTES + 4 + 1
/** The smallest record RFC 8188 allows: a tag, a delimiter and one more byte. */
const MIN_RECORD_BYTES = 18
const LAST_DELIMITER = 2
const OTHER_DELIMITER = 1

const utf8 = (text: string) => new TextEncoder().encode(text)
const CEK_INFO = utf8('Content-Encoding: aes128gcm\0')
const NONCE_INFO = utf8('Content-Encoding: nonce\0')

/** The keys of one stream of records: one secret (IKM) and one salt. */
export type RecordKeys = { readonly key: CryptoKey; readonly nonceBase: Uint8Array; readonly salt: Uint8Array }

/** A record that does not open: the wrong key, or bytes changed on the way. */
export class SealedRecordError extends Error {
  override readonly name = 'SealedRecordError'
}

export async function deriveRecordKeys(secret: Uint8Array, salt: Uint8Array): Promise<RecordKeys> {
  const { subtle } = globalThis.crypto
  const ikm = await subtle.importKey('raw', bytes(secret), 'HKDF', false, ['deriveBits'])
  const derive = (info: Uint8Array, bits: number) =>
    subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: bytes(salt), info: bytes(info) }, ikm, bits)
  const [cek, nonceBase] = await Promise.all([derive(CEK_INFO, 128), derive(NONCE_INFO, 96)])
  const key = await subtle.importKey('raw', cek, 'AES-GCM', false, ['encrypt', 'decrypt'])
  return { key, nonceBase: new Uint8Array(nonceBase), salt: Uint8Array.from(salt) }
}

/** A fresh random salt for a new stream. */
export const randomSalt = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES))

export function encodeHeader(salt: Uint8Array, recordBytes = SEALED_RECORD_BYTES): Uint8Array {
  const header = new Uint8Array(SEALED_HEADER_BYTES)
  header.set(salt, 0)
  new DataView(header.buffer).setUint32(SALT_BYTES, recordBytes)
  header[SALT_BYTES + 4] = 0
  return header
}

/** Reads a stream's header; only Swarmdrop's record size and no key id are accepted. */
export function parseHeader(header: Uint8Array): Result<{ salt: Uint8Array; recordBytes: number }> {
  if (header.length < SEALED_HEADER_BYTES) return fail('The private share is cut short.')
  const recordBytes = new DataView(header.buffer, header.byteOffset, header.byteLength).getUint32(SALT_BYTES)
  if (recordBytes !== SEALED_RECORD_BYTES || header[SALT_BYTES + 4] !== 0)
    return fail('This is not a Swarmdrop private share (unknown record format).')
  return ok({ salt: header.slice(0, SALT_BYTES), recordBytes })
}

/**
 * Encrypts one record. `recordBytes` is its ciphertext length: the data is followed by the
 * delimiter and zero padding up to it (a share's records are all full size, so their sizes say
 * nothing of the data).
 */
export async function sealRecord(
  keys: RecordKeys,
  seq: number,
  data: Uint8Array,
  {
    last,
    recordBytes = SEALED_RECORD_BYTES,
    scratch,
  }: { last: boolean; recordBytes?: number; scratch?: Uint8Array<ArrayBuffer> },
): Promise<Uint8Array> {
  if (recordBytes < MIN_RECORD_BYTES || data.length > recordBytes - TAG_BYTES - 1)
    throw new RangeError(`A record of ${recordBytes} bytes cannot carry ${data.length} bytes.`)
  // WebCrypto copies its input, so one scratch buffer serves record after record.
  const plaintext = scratch?.length === recordBytes - TAG_BYTES ? scratch : new Uint8Array(recordBytes - TAG_BYTES)
  plaintext.set(data)
  plaintext[data.length] = last ? LAST_DELIMITER : OTHER_DELIMITER
  plaintext.fill(0, data.length + 1)
  const sealed = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: nonceFor(keys.nonceBase, seq) },
    keys.key,
    plaintext,
  )
  return new Uint8Array(sealed)
}

/** Decrypts one record and returns its data, or throws SealedRecordError. */
export async function openRecord(
  keys: RecordKeys,
  seq: number,
  record: Uint8Array,
  { last }: { last: boolean },
): Promise<Uint8Array> {
  let plaintext: Uint8Array
  try {
    plaintext = new Uint8Array(
      await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: nonceFor(keys.nonceBase, seq) },
        keys.key,
        bytes(record),
      ),
    )
  } catch {
    throw new SealedRecordError(`Record ${seq} failed authentication.`)
  }
  let end = plaintext.length - 1
  while (end >= 0 && plaintext[end] === 0) end--
  if (end < 0 || plaintext[end] !== (last ? LAST_DELIMITER : OTHER_DELIMITER))
    throw new SealedRecordError(`Record ${seq} has no valid delimiter.`)
  return plaintext.subarray(0, end)
}

/** NONCE_base XOR the record's index as a 96-bit big-endian number (indexes stay far below 2^48). */
function nonceFor(base: Uint8Array, seq: number): Uint8Array<ArrayBuffer> {
  const nonce = Uint8Array.from(base)
  for (let i = 0, rest = seq; i < 6; i++, rest = Math.floor(rest / 256)) nonce[11 - i]! ^= rest % 256
  return nonce
}

/** WebCrypto wants its inputs in an ArrayBuffer of their own type. */
const bytes = (view: Uint8Array): Uint8Array<ArrayBuffer> =>
  view.buffer instanceof ArrayBuffer ? (view as Uint8Array<ArrayBuffer>) : Uint8Array.from(view)
