import type { ByteSource } from '@swarmdrop/common'

/** Bytes read at once while hashing: large reads are fast, and a few of them fit in memory. */
export const READ_BYTES = 16 * 1024 * 1024
export const SHA1_BYTES = 20

/** About `bytes`, rounded down to whole pieces (one piece at least). */
export const wholePieces = (bytes: number, pieceLength: number): number =>
  Math.max(1, Math.floor(bytes / pieceLength)) * pieceLength

/** A piece-aligned stretch of the torrent's bytes (`end` exclusive), hashed by one worker as one job. */
export type HashJob = { start: number; end: number; firstPiece: number }

/**
 * SHA-1 of every piece of a job, concatenated. The bytes are read in large piece-aligned windows,
 * and each window's pieces are digested together (WebCrypto runs them off this thread).
 */
export async function hashPieces(source: ByteSource, job: HashJob, pieceLength: number): Promise<Uint8Array> {
  const hashes = new Uint8Array(Math.ceil((job.end - job.start) / pieceLength) * SHA1_BYTES)
  const window = wholePieces(READ_BYTES, pieceLength)
  for (let start = job.start; start < job.end; start += window) {
    const bytes = await source.read(start, Math.min(job.end, start + window))
    const digests: Array<Promise<ArrayBuffer>> = []
    for (let offset = 0; offset < bytes.length; offset += pieceLength) {
      digests.push(
        crypto.subtle.digest('SHA-1', bytes.subarray(offset, offset + pieceLength) as Uint8Array<ArrayBuffer>),
      )
    }
    const firstPiece = (start - job.start) / pieceLength
    for (const [i, digest] of (await Promise.all(digests)).entries())
      hashes.set(new Uint8Array(digest), (firstPiece + i) * SHA1_BYTES)
  }
  return hashes
}

/**
 * Splits the torrent's bytes into jobs of about READ_BYTES, on piece boundaries, so several workers
 * can hash at once and each finished job moves the progress on.
 */
export function planHashJobs(size: number, pieceLength: number): HashJob[] {
  const jobBytes = wholePieces(READ_BYTES, pieceLength)
  const jobs: HashJob[] = []
  for (let start = 0; start < size; start += jobBytes)
    jobs.push({ start, end: Math.min(size, start + jobBytes), firstPiece: start / pieceLength })
  return jobs
}
