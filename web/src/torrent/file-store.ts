import type { ChunkStore } from 'webtorrent/dist/webtorrent.min.js'

type ChunkRange = { offset?: number; length?: number }
type ChunkCallback = (err: Error | null, chunk?: Uint8Array) => void

export type FileStoreOptions = {
  /** The torrent's files, end to end. */
  blobs: Blob[]
  /** A read failed: the file was moved, changed or deleted since it was chosen. */
  onReadError: (err: Error) => void
}

/**
 * A read-only chunk store over the files a person shared: pieces are read from the files themselves,
 * so sharing starts as soon as they are hashed, with no copy into browser storage. Chromium keeps
 * a picked file as a reference to the file on disk, so this also works after a reload (see library.ts).
 */
export class FileChunkStore implements ChunkStore {
  private readonly bytes: Blob
  private readonly onReadError: (err: Error) => void
  private closed = false

  constructor(
    readonly chunkLength: number,
    { blobs, onReadError }: FileStoreOptions,
  ) {
    this.bytes = new Blob(blobs)
    this.onReadError = onReadError
  }

  get(index: number, options: ChunkRange | null | ChunkCallback, callback?: ChunkCallback): void {
    // Stores are also called as get(index, callback) (cache-chunk-store does).
    if (typeof options === 'function') return this.get(index, null, options)
    if (!callback) return
    if (this.closed) return queueMicrotask(() => callback(new Error('The store is closed.')))
    const start = index * this.chunkLength + (options?.offset ?? 0)
    const end = options?.length === undefined ? Math.min(this.bytes.size, (index + 1) * this.chunkLength) : start + options.length
    if (start >= this.bytes.size || end > this.bytes.size) return queueMicrotask(() => callback(new Error(`Piece ${index} is outside the files.`)))
    this.bytes
      .slice(start, end)
      .arrayBuffer()
      .then(
        (buffer) => callback(null, new Uint8Array(buffer)),
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
    queueMicrotask(() => callback(null))
  }

  destroy(callback: (err: Error | null) => void): void {
    this.close(callback)
  }
}
