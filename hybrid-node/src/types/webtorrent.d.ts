// The parts of webtorrent's Node API the hybrid node uses (the package ships no types).
declare module 'webtorrent' {
  import type { EventEmitter } from 'node:events'

  export type WireType = 'webrtc' | 'tcpIncoming' | 'tcpOutgoing' | 'utpIncoming' | 'utpOutgoing' | 'webSeed'

  export interface Wire extends EventEmitter {
    readonly type: WireType
    readonly remoteAddress?: string
    /** The remote peer's id (hex), once its handshake came. */
    readonly peerId?: string
  }

  export interface TorrentFile {
    readonly name: string
    readonly path: string
    readonly length: number
    /** Bytes start..end (inclusive), waiting for (and prioritising) the pieces they need. */
    arrayBuffer(options?: { start?: number; end?: number }): Promise<ArrayBuffer>
  }

  export interface Torrent extends EventEmitter {
    readonly infoHash: string
    readonly name: string
    readonly length: number
    readonly files: TorrentFile[]
    readonly wires: Wire[]
    readonly progress: number
    readonly downloaded: number
    readonly uploaded: number
    readonly downloadSpeed: number
    readonly uploadSpeed: number
    readonly done: boolean
    readonly ready: boolean
    readonly magnetURI: string
    readonly announce: string[]
    readonly torrentFile: Uint8Array
    readonly info?: { files?: Array<{ path: Uint8Array[] }>; name?: Uint8Array }
    readonly path: string
    /** BEP 27: announced to its trackers only, never to the DHT. */
    readonly private?: boolean
    /** bittorrent-tracker's client, once discovery has started. */
    readonly discovery?: { tracker?: { _trackers?: unknown[] } | null } | null
    destroy(options?: { destroyStore?: boolean }, callback?: (err?: Error) => void): void
  }

  export type ClientOptions = {
    dht?: boolean | { bootstrap?: string[] }
    dhtPort?: number
    torrentPort?: number
    utp?: boolean
    lsd?: boolean
    natUpnp?: boolean
    natPmp?: boolean
    uploadLimit?: number
    downloadLimit?: number
    tracker?: {
      rtcConfig?: {
        iceServers: Array<{ urls: string[]; username?: string; credential?: string }>
        iceTransportPolicy?: 'all' | 'relay'
      }
    }
  }

  /** `pieceLength`, `createdBy`, `creationDate` (ms): for `seed`, passed to create-torrent. */
  export type AddOptions = {
    path?: string
    announce?: string[]
    pieceLength?: number
    createdBy?: string
    creationDate?: number
    /** Merged into every announce (after webtorrent's own uploaded/downloaded/left). */
    getAnnounceOpts?: () => Record<string, number>
  }

  export default class WebTorrent extends EventEmitter {
    constructor(options?: ClientOptions)
    readonly torrents: Torrent[]
    readonly dht?: {
      on(event: string, listener: (...args: unknown[]) => void): void
      address(): { port: number } | null
      /** Pings the node and adds it to the routing table if it answers. */
      addNode(node: { host: string; port: number }): void
      lookup(infoHash: string, callback?: (err?: Error) => void): void
      announce(infoHash: string, port: number, callback?: (err?: Error) => void): void
      readonly nodes: { count(): number }
      readonly destroyed: boolean
    } | null
    readonly torrentPort: number
    seed(input: string | string[], options: AddOptions, onseed?: (torrent: Torrent) => void): Torrent
    add(torrentId: string | Uint8Array, options: AddOptions, ontorrent?: (torrent: Torrent) => void): Torrent
    address(): { port: number } | null
    destroy(callback?: (err?: Error) => void): void
  }
}

declare module 'bencode' {
  const bencode: { decode(data: Uint8Array): unknown; encode(value: unknown): Uint8Array }
  export default bencode
}

declare module 'bittorrent-dht' {
  import type { EventEmitter } from 'node:events'
  export default class DHT extends EventEmitter {
    constructor(options?: { bootstrap?: string[] | false })
    listen(port: number, host: string, callback: () => void): void
    address(): { port: number } | null
    destroy(callback?: () => void): void
  }
}

declare module 'addr-to-ip-port' {
  /** "host:port" or "[v6]:port" as [host, port]; throws on anything else (webtorrent's own parser). */
  const addrToIPPort: (addr: string) => [string, number]
  export default addrToIPPort
}
