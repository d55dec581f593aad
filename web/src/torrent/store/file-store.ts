import type { ByteSource } from '@swarmdrop/common'
import type { ChunkCallback, ChunkRange, ChunkStore } from 'webtorrent/dist/webtorrent.min.js'
import { wholePieces } from '../create/hash-pieces'
import { openSource, verifiedSource, type SourceSpec } from '../source'
import type { SourceReply, SourceRequest } from './source-worker'

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

export type FileStoreOptions = {
  /** The torrent's bytes: the files end to end, or sealed on the fly (a private share). */
  source: SourceSpec
  /** A read failed: the file was moved, changed or deleted since it was chosen. */
  onReadError: (err: Error) => void
  /** The torrent's piece hashes (SHA-1s end to end): when given, every piece read is checked before it is served (see verifiedSource). */
  pieceHashes?: Uint8Array
}

/** Whether every file can still be read (none moved, changed or deleted since it was picked). */
export async function canRead(blobs: Blob[]): Promise<boolean> {
  return Promise.all(blobs.map((blob) => blob.slice(0, 1).arrayBuffer())).then(
    () => true,
    () => false,
  )
}

/** Bytes read from the files at once: one read per window rather than per piece saves most of the cost. */
const WINDOW_BYTES = 4 * 1024 * 1024
/** Windows kept in memory: enough for a few receivers asking for different parts at once, each with the window after it read ahead. */
const WINDOWS_KEPT = 6

/**
 * A read-only chunk store over the files a person shared: pieces are read from the files themselves
 * (and, for a private share, encrypted as they are read), so sharing starts as soon as they are
 * hashed, with no copy into browser storage. Chromium keeps a picked file as a reference to the file
 * on disk, so this also works after a reload (see library.ts). Reads go a window of whole pieces at a
 * time, and the last few windows are kept.
 */
export class FileChunkStore implements ChunkStore {
  private readonly source: Promise<ByteSource>
  private readonly size: number
  private worker: Worker | null = null
  private readonly onReadError: (err: Error) => void
  private readonly windowBytes: number
  private readonly windows = new Map<number, Promise<Uint8Array>>()
  private closed = false

  constructor(
    readonly chunkLength: number,
    { source, length, onReadError, pieceHashes }: FileStoreOptions & { length: number },
  ) {
    this.size = length
    // A private share is sealed in a worker of its own (reading, AES-GCM, piece hashes), which took
    // that work off the page that serves the peers; a public torrent's reads cost the page nothing.
    this.source =
      source.kind === 'sealed' && typeof Worker !== 'undefined'
        ? this.inWorker(source, pieceHashes ?? null)
        : this.inPage(source, pieceHashes ?? null)
    this.onReadError = onReadError
    this.windowBytes = wholePieces(WINDOW_BYTES, chunkLength)
  }

  get(index: number, options: ChunkRange | null | ChunkCallback, callback?: ChunkCallback): void {
    if (typeof options === 'function') return this.get(index, null, options)
    if (!callback) return
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    const start = index * this.chunkLength + (options?.offset ?? 0)
    const end =
      options?.length === undefined ? Math.min(this.size, (index + 1) * this.chunkLength) : start + options.length
    if (start >= this.size || end > this.size)
      return queueMicrotask(() => callback(new Error(`Piece ${index} is outside the files.`)))
    // Windows hold whole pieces, so a piece never spans two of them.
    const window = Math.floor(start / this.windowBytes)
    const base = window * this.windowBytes
    // Peers mostly ask in order: the next window is read (and, for a private share, encrypted) while
    // this one is served, so a request at a window's edge does not wait for a whole window's read.
    if (!this.windows.has(window + 1) && (window + 1) * this.windowBytes < this.size)
      this.window(window + 1).catch(() => {})
    // A view into the window, not a copy: a block is copied into its wire message at once
    // (batchWireWrites), so nothing keeps a window alive through it for long.
    this.window(window).then(
      (bytes) => callback(null, bytes.subarray(start - base, end - base)),
      (err: Error) => {
        this.onReadError(err)
        callback(err)
      },
    )
  }

  put(_index: number, _chunk: Uint8Array, callback: (err: Error | null) => void): void {
    queueMicrotask(() => callback(new Error('Shared files are read-only.')))
  }

  close(callback: (err: Error | null) => void): void {
    this.closed = true
    this.windows.clear()
    this.worker?.terminate()
    this.worker = null
    queueMicrotask(() => callback(null))
  }

  destroy(callback: (err: Error | null) => void): void {
    this.close(callback)
  }

  private async inPage(spec: SourceSpec, pieceHashes: Uint8Array | null): Promise<ByteSource> {
    const source = await openSource(spec)
    return pieceHashes ? verifiedSource(source, pieceHashes, this.chunkLength) : source
  }

  private async inWorker(spec: SourceSpec, pieceHashes: Uint8Array | null): Promise<ByteSource> {
    const worker = new Worker(new URL('./source-worker.ts', import.meta.url), { type: 'module', name: 'shared-files' })
    this.worker = worker
    const pending = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (err: Error) => void }>()
    let nextId = 1
    worker.onmessage = ({ data }: MessageEvent<SourceReply>) => {
      const waiting = pending.get(data.id)
      pending.delete(data.id)
      if ('error' in data) waiting?.reject(new Error(data.error))
      else waiting?.resolve(data.bytes)
    }
    const call = (request: DistributiveOmit<SourceRequest, 'id'>) =>
      new Promise<Uint8Array>((resolve, reject) => {
        const id = nextId++
        pending.set(id, { resolve, reject })
        worker.postMessage({ ...request, id } as SourceRequest)
      })
    await call({ op: 'open', spec, pieceHashes, pieceLength: this.chunkLength })
    return { size: this.size, read: (start, end) => call({ op: 'read', start, end }) }
  }

  private window(window: number): Promise<Uint8Array> {
    let bytes = this.windows.get(window)
    if (bytes) {
      // Most recently used last.
      this.windows.delete(window)
    } else {
      const start = window * this.windowBytes
      bytes = this.source.then((source) => source.read(start, start + this.windowBytes))
      bytes.catch(() => this.windows.delete(window))
      if (this.windows.size >= WINDOWS_KEPT) this.windows.delete(this.windows.keys().next().value!)
    }
    this.windows.set(window, bytes)
    return bytes
  }
}
