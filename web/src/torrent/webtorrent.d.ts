// The parts of webtorrent's browser bundle that Swarmdrop uses (the bundle ships no types).
declare module 'webtorrent/dist/webtorrent.min.js' {
  type Listener = (...args: never[]) => void

  interface Emitter {
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
    readonly pieces: ArrayLike<unknown>
    readonly bitfield?: { get(index: number): boolean } | null
    readonly discovery?: { tracker?: TrackerClient | null } | null
    destroy(options?: { destroyStore?: boolean }, callback?: (err?: Error) => void): void
  }

  export type SeedOptions = {
    name?: string
    announce?: string[]
  }

  export type AddOptions = { announce?: string[]; getAnnounceOpts?: () => Record<string, number> }

  export default class WebTorrent implements Emitter {
    constructor(options?: { tracker?: { rtcConfig?: RTCConfiguration }; uploadLimit?: number })
    readonly torrents: Torrent[]
    createServer(options: { controller: ServiceWorkerRegistration }): unknown
    /** Bytes per second, or -1 for no limit. */
    throttleUpload(rate: number): void
    seed(input: File[], options: SeedOptions): Torrent
    add(torrentId: string | Uint8Array, options: AddOptions): Torrent
    destroy(callback?: (err?: Error) => void): void
    on(event: string, listener: Listener): this
    once(event: string, listener: Listener): this
    off(event: string, listener: Listener): this
  }
}
