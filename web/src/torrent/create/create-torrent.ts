import bencode from 'bencode'
import { openSource, type SourceSpec } from '../source'
import type { TorrentContent } from './content'
import { hashPieces, planHashJobs, SHA1_BYTES, type HashJob } from './hash-pieces'
import type { HashReply, HashRequest } from './hash-worker'

export type CreatedTorrent = { torrentFile: Uint8Array; infoHash: string }
/** Hashes one job; in the browser a worker does it, in tests the same function in-process. */
export type PieceHasher = {
  hash(source: SourceSpec, job: HashJob, pieceLength: number): Promise<Uint8Array>
  close(): void
}

type CreateOptions = {
  announce: string[]
  /** Called with the bytes hashed so far, after each job. */
  onProgress?: (hashedBytes: number) => void
  hasher?: PieceHasher
  /** Seconds since 1970 for "creation date"; fixed in tests, left out of private shares. */
  createdAtS?: number | null
}

/**
 * Creates a .torrent for the content: the pieces are hashed by a few Web Workers at once (WebCrypto
 * SHA-1), which is several times faster than hashing a stream piece by piece on the page.
 */
export async function createTorrent(layout: TorrentContent, options: CreateOptions): Promise<CreatedTorrent> {
  const { pieceLength } = layout
  const jobs = planHashJobs(layout.length, pieceLength)
  const pieces = new Uint8Array(Math.ceil(layout.length / pieceLength) * SHA1_BYTES)
  const hasher = options.hasher ?? workerHasher()
  let hashed = 0
  try {
    const queue = [...jobs]
    const drain = async (): Promise<void> => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        pieces.set(await hasher.hash(layout.source, job, pieceLength), job.firstPiece * SHA1_BYTES)
        hashed += job.end - job.start
        options.onProgress?.(hashed)
      }
    }
    await Promise.all(Array.from({ length: hashConcurrency() }, drain))
  } catch (err) {
    throw new Error(
      `The files could not be read (${(err as Error).message}). Were they moved or changed after they were chosen?`,
      { cause: err },
    )
  } finally {
    hasher.close()
  }

  const info: Record<string, unknown> = { name: layout.name, 'piece length': pieceLength, pieces }
  if (layout.single) info.length = layout.length
  else info.files = layout.files.map((file) => ({ length: file.length, path: file.path }))
  const infoHash = toHex(await crypto.subtle.digest('SHA-1', bencode.encode(info)))
  const torrentFile = bencode.encode({
    info,
    ...(options.announce.length > 0
      ? { announce: options.announce[0], 'announce-list': options.announce.map((url) => [url]) }
      : {}),
    'created by': 'Swarmdrop',
    ...(options.createdAtS === null ? {} : { 'creation date': options.createdAtS ?? Math.floor(Date.now() / 1000) }),
  })
  return { torrentFile, infoHash }
}

/** Two workers keep one core reading while another digests; more than four gains nothing here. */
const hashConcurrency = (): number => Math.min(4, Math.max(2, globalThis.navigator?.hardwareConcurrency ?? 2))

/** Hashes in-process (tests, and browsers without module workers). */
export const inlineHasher: PieceHasher = {
  hash: async (source, job, pieceLength) => hashPieces(await openSource(source), job, pieceLength),
  close: () => {},
}

/** A pool of hashing workers, one per concurrent job; closing it ends them. */
function workerHasher(): PieceHasher {
  if (typeof Worker === 'undefined') return inlineHasher
  const idle: Worker[] = []
  const all: Worker[] = []
  let nextId = 1
  return {
    hash(source, job, pieceLength) {
      const worker =
        idle.pop() ?? new Worker(new URL('./hash-worker.ts', import.meta.url), { type: 'module', name: 'hash-pieces' })
      if (!all.includes(worker)) all.push(worker)
      const id = nextId++
      return new Promise<Uint8Array>((resolve, reject) => {
        worker.onmessage = ({ data }: MessageEvent<HashReply>) => {
          idle.push(worker)
          if ('error' in data) reject(new Error(data.error))
          else resolve(data.hashes)
        }
        worker.onerror = (event) => reject(new Error(event.message || 'the hashing worker failed'))
        worker.postMessage({ id, pieceLength, source, job } satisfies HashRequest)
      })
    },
    close() {
      for (const worker of all) worker.terminate()
    },
  }
}

const toHex = (buffer: ArrayBuffer): string =>
  [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, '0')).join('')

/** The SHA-1s of every piece, end to end, from a .torrent file's info. */
export const pieceHashesOf = (torrentFile: Uint8Array): Uint8Array =>
  (bencode.decode(torrentFile) as { info: { pieces: Uint8Array } }).info.pieces
