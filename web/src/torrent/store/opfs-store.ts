import type { ChunkStore } from 'webtorrent/dist/webtorrent.min.js'
import type { StoreReply, StoreRequest } from './opfs-worker'

type ChunkRange = { offset?: number; length?: number }
type ChunkCallback = (err: Error | null, chunk?: Uint8Array) => void
type Request = StoreRequest extends infer R ? (R extends StoreRequest ? Omit<R, 'id'> : never) : never

/** What webtorrent passes every store it creates (among other things). */
type StoreOptions = { length: number; torrent: { infoHash: string } }

/** The folder of the private file system that holds a torrent's bytes. */
export const storeFolder = (infoHash: string): string => `torrent-${infoHash}`

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, { resolve: (data: Uint8Array | undefined) => void; reject: (err: Error) => void }>()

/** One worker serves every torrent of the tab; started on first use. */
function call(request: Request, transfer: Transferable[] = []): Promise<Uint8Array | undefined> {
  worker ??= startWorker()
  const id = nextId++
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject })
    worker!.postMessage({ ...request, id }, transfer)
  })
}

function startWorker(): Worker {
  const started = new Worker(new URL('./opfs-worker.ts', import.meta.url), { type: 'module', name: 'torrent-store' })
  started.onmessage = ({ data: reply }: MessageEvent<StoreReply>) => {
    const waiting = pending.get(reply.id)
    pending.delete(reply.id)
    if (!waiting) return
    if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }))
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

  constructor(
    readonly chunkLength: number,
    { length, torrent }: StoreOptions,
  ) {
    this.length = length
    this.folder = storeFolder(torrent.infoHash)
  }

  get(index: number, options: ChunkRange | null | ChunkCallback, callback?: ChunkCallback): void {
    // Stores are also called as get(index, callback) (cache-chunk-store does).
    if (typeof options === 'function') return this.get(index, null, options)
    if (!callback) return
    const pieceStart = index * this.chunkLength
    const pieceLength = Math.min(this.chunkLength, this.length - pieceStart)
    const offset = options?.offset ?? 0
    const length = options?.length ?? pieceLength - offset
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    if (pieceLength <= 0 || offset < 0 || offset + length > pieceLength) return queueMicrotask(() => callback(new Error(`Piece ${index} has no bytes ${offset}–${offset + length}.`)))
    call({ op: 'get', folder: this.folder, offset: pieceStart + offset, length }).then(
      (data) => callback(null, data),
      (err: Error) => callback(err),
    )
  }

  put(index: number, chunk: Uint8Array, callback: (err: Error | null) => void = () => {}): void {
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    // The worker takes the bytes (transferred, not copied); the caller keeps its own view of them.
    const data = chunk.slice()
    call({ op: 'put', folder: this.folder, offset: index * this.chunkLength, data }, [data.buffer]).then(
      () => callback(null),
      (err: Error) => callback(err),
    )
  }

  close(callback: (err: Error | null) => void = () => {}): void {
    this.closed = true
    call({ op: 'close', folder: this.folder }).then(
      () => callback(null),
      (err: Error) => callback(err),
    )
  }

  destroy(callback: (err: Error | null) => void = () => {}): void {
    this.closed = true
    call({ op: 'destroy', folder: this.folder }).then(
      () => callback(null),
      (err: Error) => callback(err),
    )
  }
}
