/** Bytes read from disk at once while hashing: large reads are fast, and a few of them fit in memory. */
export const READ_BYTES = 16 * 1024 * 1024
export const SHA1_BYTES = 20

/** About `bytes`, rounded down to whole pieces (one piece at least). */
export const wholePieces = (bytes: number, pieceLength: number): number => Math.max(1, Math.floor(bytes / pieceLength)) * pieceLength

/** A piece-aligned stretch of the torrent's bytes, hashed by one worker as one job. */
export type HashJob = { blob: Blob; firstPiece: number }

/**
 * SHA-1 of every piece of `blob`, concatenated. The blob is read in large piece-aligned windows,
 * and each window's pieces are digested together (WebCrypto runs them off this thread).
 */
export async function hashPieces(blob: Blob, pieceLength: number): Promise<Uint8Array> {
  const pieces = Math.ceil(blob.size / pieceLength)
  const hashes = new Uint8Array(pieces * SHA1_BYTES)
  const window = wholePieces(READ_BYTES, pieceLength)
  for (let start = 0; start < blob.size; start += window) {
    const bytes = new Uint8Array(await blob.slice(start, start + window).arrayBuffer())
    const digests: Array<Promise<ArrayBuffer>> = []
    for (let offset = 0; offset < bytes.length; offset += pieceLength) {
      digests.push(crypto.subtle.digest('SHA-1', bytes.subarray(offset, offset + pieceLength)))
    }
    const firstPiece = start / pieceLength
    for (const [i, digest] of (await Promise.all(digests)).entries()) hashes.set(new Uint8Array(digest), (firstPiece + i) * SHA1_BYTES)
  }
  return hashes
}

/**
 * Splits the torrent (its files end to end) into jobs of about READ_BYTES, on piece boundaries, so
 * several workers can hash at once and each finished job moves the progress on.
 */
export function planHashJobs(blobs: Blob[], pieceLength: number): HashJob[] {
  const all = new Blob(blobs)
  const jobBytes = wholePieces(READ_BYTES, pieceLength)
  const jobs: HashJob[] = []
  for (let start = 0; start < all.size; start += jobBytes) jobs.push({ blob: all.slice(start, start + jobBytes), firstPiece: start / pieceLength })
  return jobs
}
