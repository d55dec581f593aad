import type { ChunkCallback, ChunkRange, ChunkStore } from 'webtorrent/dist/webtorrent.min.js'
import type { StoreCall, StoreReply, StoreRequest } from './opfs-worker'

/**
 * What webtorrent passes every store it creates (among other things), with the client's `storeOpts`:
 * `onMemoryOnly` hears that this torrent is held in memory, the private file system being unusable.
 */
type StoreOptions = { length: number; torrent: { infoHash: string }; onMemoryOnly?: () => void }

/** Piece buffers kept for reuse per torrent: more than the puts in flight at once. */
const SPARE_BUFFERS = 4

/** The folder of the private file system that holds a torrent's bytes. */
const storeFolder = (infoHash: string): string => `torrent-${infoHash}`

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, { resolve: (data: Uint8Array | undefined) => void; reject: (err: Error) => void }>()

/** One worker serves every torrent of the tab; started on first use. */
function call(request: StoreCall, transfer: Transferable[] = []): Promise<Uint8Array | undefined> {
  worker ??= startWorker()
  const id = nextId++
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    worker!.postMessage({ ...request, id } satisfies StoreRequest, transfer)
  })
}

/** Hands a worker call's outcome to a chunk-store callback. */
function settle(
  result: Promise<Uint8Array | undefined>,
  callback: (err: Error | null, data?: Uint8Array) => void,
): void {
  result.then(
    (data) => callback(null, data),
    (err: Error) => callback(err),
  )
}

/** Deletes the stored bytes of a torrent that is not running (its handle, if any, is closed first). */
export function deleteStoredBytes(infoHash: string): Promise<void> {
  return call({ op: 'destroy', folder: storeFolder(infoHash) }).then(() => undefined)
}

function startWorker(): Worker {
  const started = new Worker(new URL('./opfs-worker.ts', import.meta.url), { type: 'module', name: 'torrent-store' })
  started.onmessage = ({ data: reply }: MessageEvent<StoreReply>) => {
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    if (!waiting) return
    if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), reply.error))
    else waiting.resolve(reply.data)
  }
  // A browser that cannot run the worker (no module workers) fails every call, as "not supported".
  started.onerror = () => {
    for (const waiting of pending.values())
      waiting.reject(new DOMException('The storage worker could not start.', 'NotSupportedError'))
    pending.clear()
  }
  return started
}

/**
 * Failures that mean the private file system cannot be used here at all (Firefox's private windows
 * refuse it, older browsers lack it or its sync handles), as opposed to one that is full or busy.
 */
const UNAVAILABLE = new Set(['SecurityError', 'NotSupportedError', 'NotAllowedError', 'TypeError'])
const privateFileSystemMissing = (): boolean => typeof Worker === 'undefined' || !navigator.storage?.getDirectory

/**
 * webtorrent's chunk store for downloads: pieces go to a worker that writes them in place into one
 * file per torrent in the origin private file system (see opfs-worker.ts). Where that cannot be used,
 * the pieces are held in memory instead (lost on reload), and `onMemoryOnly` is told.
 */
export class OpfsChunkStore implements ChunkStore {
  private readonly length: number
  private readonly folder: string
  private closed = false
  /** Piece-sized buffers the worker has handed back. */
  private readonly spareBuffers: ArrayBuffer[] = []
  /** The pieces, when the private file system cannot be used. */
  private memory: Map<number, Uint8Array> | null = null
  private readonly onMemoryOnly: () => void

  constructor(
    readonly chunkLength: number,
    { length, torrent, onMemoryOnly = () => {} }: StoreOptions,
  ) {
    this.length = length
    this.folder = storeFolder(torrent.infoHash)
    this.onMemoryOnly = onMemoryOnly
    if (privateFileSystemMissing()) this.holdInMemory()
  }

  private holdInMemory(): void {
    if (this.memory) return
    this.memory = new Map()
    queueMicrotask(this.onMemoryOnly)
  }

  get(index: number, options: ChunkRange | null | ChunkCallback, callback?: ChunkCallback): void {
    if (typeof options === 'function') return this.get(index, null, options)
    if (!callback) return
    const pieceStart = index * this.chunkLength
    const pieceLength = Math.min(this.chunkLength, this.length - pieceStart)
    const offset = options?.offset ?? 0
    const length = options?.length ?? pieceLength - offset
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    if (pieceLength <= 0 || offset < 0 || offset + length > pieceLength)
      return queueMicrotask(() => callback(new Error(`Piece ${index} has no bytes ${offset}–${offset + length}.`)))
    if (this.memory) {
      const piece = this.memory.get(index)
      return queueMicrotask(() =>
        piece
          ? callback(null, piece.subarray(offset, offset + length))
          : callback(new Error(`Piece ${index} is not stored.`)),
      )
    }
    settle(call({ op: 'get', folder: this.folder, offset: pieceStart + offset, length }), callback)
  }

  put(index: number, chunk: Uint8Array, callback: (err: Error | null) => void = () => {}): void {
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    if (this.memory) {
      this.memory.set(index, chunk.slice())
      return queueMicrotask(() => callback(null))
    }
    // The caller keeps its bytes; a copy goes to the worker (transferred), which hands the buffer
    // back once written, for a later piece. Without that, every piece left a buffer for each
    // thread's garbage collector, which runs rarely: ~100 MiB of them piled up during a download.
    const data = new Uint8Array(this.spareBuffers.pop() ?? new ArrayBuffer(this.chunkLength), 0, chunk.length)
    data.set(chunk)
    call({ op: 'put', folder: this.folder, offset: index * this.chunkLength, data, size: this.length }, [
      data.buffer,
    ]).then(
      (written) => {
        if (written && this.spareBuffers.length < SPARE_BUFFERS) this.spareBuffers.push(written.buffer as ArrayBuffer)
        callback(null)
      },
      (err: Error) => {
        if (!UNAVAILABLE.has(err.name)) return callback(err)
        this.holdInMemory()
        this.put(index, chunk, callback)
      },
    )
  }

  close(callback: (err: Error | null) => void = () => {}): void {
    this.closed = true
    if (this.memory) return queueMicrotask(() => callback(null))
    settle(call({ op: 'close', folder: this.folder }), callback)
  }

  destroy(callback: (err: Error | null) => void = () => {}): void {
    this.closed = true
    this.memory?.clear()
    if (this.memory) return queueMicrotask(() => callback(null))
    settle(call({ op: 'destroy', folder: this.folder }), callback)
  }
}
