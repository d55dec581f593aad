// The parts of webtorrent's browser bundle that Swarmdrop uses (the bundle ships no types).
declare module 'webtorrent/dist/webtorrent.min.js' {
  type Listener = (...args: never[]) => void

  export interface Emitter {
    on(event: string, listener: Listener): this
    once(event: string, listener: Listener): this
    off(event: string, listener: Listener): this
  }

  export interface TorrentFile {
    readonly name: string
    readonly path: string
    readonly length: number
    readonly downloaded: number
    readonly progress: number
    readonly done: boolean
    readonly type: string
    /** Where the file starts in the torrent's bytes. */
    readonly offset: number
    /** URL served by the streaming service worker; throws before `createServer`. */
    readonly streamURL: string
    stream(options?: { start?: number; end?: number }): ReadableStream<Uint8Array>
  }

  export interface TrackerClient extends Emitter {
    update(): void
    /** One per announce URL (WebSocket, HTTP, UDP). */
    readonly _trackers?: unknown[]
  }

  export interface Torrent extends Emitter {
    readonly infoHash: string
    readonly name: string
    readonly length: number
    readonly files: TorrentFile[]
    readonly announce: string[]
    readonly progress: number
    readonly downloaded: number
    readonly uploaded: number
    readonly downloadSpeed: number
    readonly uploadSpeed: number
    /** Peers known, including connections still being attempted. */
    readonly numPeers: number
    /** Established connections (handshake done). */
    readonly wires: ReadonlyArray<unknown>
    readonly timeRemaining: number
    readonly ready: boolean
    readonly done: boolean
    readonly destroyed: boolean
    readonly magnetURI: string
    /** The parsed info dictionary, once the metadata is known. */
    readonly info?: unknown
    readonly torrentFile: Uint8Array
    /** Each piece still missing, or null once it is verified. */
    readonly pieces: ReadonlyArray<object | null>
    readonly bitfield?: { get(index: number): boolean } | null
    readonly discovery?: { tracker?: TrackerClient | null } | null
    /**
     * Which piece to ask for next: `sequential` (the default) or `rarest` in the swarm; read at each
     * choice. Streaming asks for the pieces under the playhead first either way.
     */
    strategy: 'sequential' | 'rarest'
    readonly pieceLength: number
    /**
     * Asks for pieces `start`–`end` (inclusive) before those of lower priority: 0 for the whole
     * torrent, 1 where a stream reads. Internal; the public `select` merges a range into the
     * selection around it (the whole torrent), which then only takes the higher priority.
     */
    _select(start: number, end: number, priority: number, notify: undefined, isStreamSelection: true): void
    destroy(options?: { destroyStore?: boolean }, callback?: (err?: Error) => void): void
  }

  /** An abstract-chunk-store: pieces of `chunkLength` bytes, read and written by index. */
  export type ChunkRange = { offset?: number; length?: number }
  export type ChunkCallback = (err: Error | null, chunk?: Uint8Array) => void

  export interface ChunkStore {
    readonly chunkLength: number
    /** Also called as get(index, callback) (cache-chunk-store does). */
    get(index: number, options: ChunkRange | null | ChunkCallback, callback?: ChunkCallback): void
    put(index: number, chunk: Uint8Array, callback: (err: Error | null) => void): void
    close(callback: (err: Error | null) => void): void
    destroy(callback: (err: Error | null) => void): void
  }

  export type AddOptions = {
    announce?: string[]
    getAnnounceOpts?: () => Record<string, number>
    /** A chunk store class, constructed with (pieceLength, { ...storeOpts, length, ... }). */
    store?: new (chunkLength: number, options: never) => ChunkStore
    storeOpts?: Record<string, unknown>
    /** Pieces webtorrent caches in memory in front of the store (default 20). */
    storeCacheSlots?: number
    /** Trust the store: every piece counts as present and verified. */
    skipVerify?: boolean
  }

  export default class WebTorrent implements Emitter {
    constructor(options?: { tracker?: { rtcConfig?: RTCConfiguration }; uploadLimit?: number })
    readonly torrents: Torrent[]
    createServer(options: { controller: ServiceWorkerRegistration }): unknown
    /** Bytes per second, or -1 for no limit. */
    throttleUpload(rate: number): void
    add(torrentId: string | Uint8Array, options: AddOptions): Torrent
    destroy(callback?: (err?: Error) => void): void
    on(event: string, listener: Listener): this
    once(event: string, listener: Listener): this
    off(event: string, listener: Listener): this
  }
}

declare module 'bencode' {
  const bencode: { decode(data: Uint8Array): unknown; encode(value: unknown): Uint8Array<ArrayBuffer> }
  export default bencode
}
