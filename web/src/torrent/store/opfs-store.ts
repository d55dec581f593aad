import type { ChunkCallback, ChunkRange, ChunkStore } from 'webtorrent/dist/webtorrent.min.js'
import type { StoreCall, StoreReply, StoreRequest } from './opfs-worker'

/** What webtorrent passes every store it creates (among other things). */
type StoreOptions = { length: number; torrent: { infoHash: string } }

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
function settle(result: Promise<Uint8Array | undefined>, callback: (err: Error | null, data?: Uint8Array) => void): void {
  result.then(
    (data) => callback(null, data),
    (err: Error) => callback(err),
  )
}

/** Deletes the stored bytes of a torrent that is not running (its handle, if any, is closed first). */
export function deleteStoredBytes(infoHash: string): Promise<void> {
  return call({ op: 'destroy', folder: storeFolder(infoHash) }).then(() => undefined)
}

let works: Promise<boolean> | null = null

/**
 * Whether downloads can be kept in the private file system here: it needs module workers, the private
 * file system and its synchronous access handles, which some browsers lack or refuse (Firefox's private
 * windows, older Safari). Tried once per page by storing a byte.
 */
export function privateFileSystemWorks(): Promise<boolean> {
  works ??= (async () => {
    if (typeof Worker === 'undefined' || !navigator.storage?.getDirectory) return false
    const folder = 'probe'
    try {
      await call({ op: 'put', folder, offset: 0, data: new Uint8Array(1), size: 1 })
      return true
    } catch {
      return false
    } finally {
      await call({ op: 'destroy', folder }).catch(() => undefined)
    }
  })()
  return works
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
  return started
}

/**
 * webtorrent's chunk store for downloads: pieces go to a worker that writes them in place into one
 * file per torrent in the origin private file system (see opfs-worker.ts).
 */
export class OpfsChunkStore implements ChunkStore {
  private readonly length: number
  private readonly folder: string
  private closed = false
  /** Piece-sized buffers the worker has handed back. */
  private readonly spareBuffers: ArrayBuffer[] = []

  constructor(
    readonly chunkLength: number,
    { length, torrent }: StoreOptions,
  ) {
    this.length = length
    this.folder = storeFolder(torrent.infoHash)
  }

  get(index: number, options: ChunkRange | null | ChunkCallback, callback?: ChunkCallback): void {
    if (typeof options === 'function') return this.get(index, null, options)
    if (!callback) return
    const pieceStart = index * this.chunkLength
    const pieceLength = Math.min(this.chunkLength, this.length - pieceStart)
    const offset = options?.offset ?? 0
    const length = options?.length ?? pieceLength - offset
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    if (pieceLength <= 0 || offset < 0 || offset + length > pieceLength) return queueMicrotask(() => callback(new Error(`Piece ${index} has no bytes ${offset}–${offset + length}.`)))
    settle(call({ op: 'get', folder: this.folder, offset: pieceStart + offset, length }), callback)
  }

  put(index: number, chunk: Uint8Array, callback: (err: Error | null) => void = () => {}): void {
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    // The caller keeps its bytes; a copy goes to the worker (transferred), which hands the buffer
    // back once written, for a later piece. Without that, every piece left a buffer for each
    // thread's garbage collector, which runs rarely: ~100 MiB of them piled up during a download.
    const data = new Uint8Array(this.spareBuffers.pop() ?? new ArrayBuffer(this.chunkLength), 0, chunk.length)
    data.set(chunk)
    call({ op: 'put', folder: this.folder, offset: index * this.chunkLength, data, size: this.length }, [data.buffer]).then(
      (written) => {
        if (written && this.spareBuffers.length < SPARE_BUFFERS) this.spareBuffers.push(written.buffer as ArrayBuffer)
        callback(null)
      },
      (err: Error) => callback(err),
    )
  }

  close(callback: (err: Error | null) => void = () => {}): void {
    this.closed = true
    settle(call({ op: 'close', folder: this.folder }), callback)
  }

  destroy(callback: (err: Error | null) => void = () => {}): void {
    this.closed = true
    settle(call({ op: 'destroy', folder: this.folder }), callback)
  }
}
