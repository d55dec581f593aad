import { equalBytes, sealedSource, type ByteSource, type SealedSpec } from '@swarmdrop/common'

/**
 * Where a shared torrent's bytes come from, as plain data (it is posted to hashing workers and kept
 * in IndexedDB): the files as they are (a public torrent), or the files sealed on the fly into a
 * private share's records.
 */
export type SourceSpec = { kind: 'plain'; blobs: Blob[] } | { kind: 'sealed'; spec: SealedSpec }

export function openSource(spec: SourceSpec): Promise<ByteSource> {
  if (spec.kind === 'sealed') return sealedSource(spec.spec)
  const all = new Blob(spec.blobs)
  return Promise.resolve({
    size: all.size,
    read: async (start, end) => new Uint8Array(await all.slice(start, end).arrayBuffer()),
  })
}

const SHA1_BYTES = 20
/** A piece read from the files is not what was shared. */
const CHANGED_MESSAGE = 'a shared file changed since it was shared'

/**
 * A source whose reads (of whole pieces, from a piece boundary) are checked against the torrent's
 * piece hashes (SHA-1s end to end) before they are returned. A private share needs this: its
 * records' nonces come from their positions, so a file changed on disk since would be encrypted
 * again under the same nonces, and two ciphertexts of one nonce reveal the XOR of their plaintexts
 * to whoever holds both.
 */
export function verifiedSource(source: ByteSource, pieceHashes: Uint8Array, pieceLength: number): ByteSource {
  return {
    size: source.size,
    async read(start, end) {
      const bytes = await source.read(start, end)
      const firstPiece = start / pieceLength
      const checks: Array<Promise<boolean>> = []
      for (let offset = 0; offset < bytes.length; offset += pieceLength) {
        const piece = firstPiece + offset / pieceLength
        const expected = pieceHashes.subarray(piece * SHA1_BYTES, (piece + 1) * SHA1_BYTES)
        checks.push(
          crypto.subtle
            .digest('SHA-1', bytes.subarray(offset, offset + pieceLength) as Uint8Array<ArrayBuffer>)
            .then((digest) => equalBytes(new Uint8Array(digest), expected)),
        )
      }
      if ((await Promise.all(checks)).includes(false)) throw new Error(CHANGED_MESSAGE)
      return bytes
    },
  }
}
