import { EventEmitter } from 'node:events'
import { mkdir, readdir, stat } from 'node:fs/promises'
import { join, resolve, sep } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import addrToIPPort from 'addr-to-ip-port'
import WebTorrent, { type Torrent, type Wire, type WireType } from 'webtorrent'
import { isLeftOutOfFolders, pieceLengthFor, type IceServer } from '@swarmdrop/common'
import { adoptTorrent, leftUntilMetadata, type EngineTorrent } from '@swarmdrop/engine'
import { adoptClassicPeers, endGatheringAsBrowsersDo } from '@swarmdrop/engine/node'
import type { Source } from './options.js'
import { fetchRtcConfig } from './rtc-config.js'
import { unsafePaths, unsafePathsInTorrentFile } from './torrent-paths.js'

export type PeerKind = 'webrtc' | 'tcp' | 'utp'
export type Direction = 'in' | 'out'

export type HybridOptions = {
  /** Trackers every torrent announces to (the app's WebSocket, HTTP and UDP trackers by default). */
  trackers: string[]
  dht: boolean
  dhtBootstrap?: string[]
  dhtPort?: number
  torrentPort?: number
  utp: boolean
  rtcConfig?: { iceServers: IceServer[]; iceTransportPolicy?: 'all' | 'relay' }
  uploadLimitBytesPerS?: number
  downloadLimitBytesPerS?: number
}

export type TorrentStatus = {
  infoHash: string
  name: string
  length: number
  progress: number
  done: boolean
  downloaded: number
  uploaded: number
  downloadSpeed: number
  uploadSpeed: number
  peers: Record<PeerKind, number>
}

const STOP_TIMEOUT_MS = 4_000
/** How long `seeding` waits for trackers that have not answered yet. */
const ANNOUNCE_WAIT_MS = 5_000
/** While the DHT has no node, its bootstrap nodes are asked again after these waits (the last one repeating). */
const DHT_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000, 60_000]
/** Fresh TURN credentials are fetched at this share of their lifetime; a failed fetch is tried again after a minute. */
const RTC_CONFIG_REFRESH_AT = 0.8
const RTC_CONFIG_RETRY_MS = 60_000
/** The creation date given to torrents that should carry none (create-torrent treats 0 as "now"). */
const UNDATED_MS = 1_000
const KIND_OF_WIRE: Record<WireType, PeerKind | null> = {
  webrtc: 'webrtc',
  tcpIncoming: 'tcp',
  tcpOutgoing: 'tcp',
  utpIncoming: 'utp',
  utpOutgoing: 'utp',
  webSeed: null,
}

/**
 * A peer in both worlds: one webtorrent client that speaks WebRTC (to browsers, through the WebSocket
 * tracker) and TCP/uTP with the DHT (to classic clients), so pieces from either side reach the other.
 * Emits `bytes` (kind, direction, count) for every piece of data moved, `done` (torrent), `warning`,
 * and `first-peer` (torrent, kind, milliseconds since it was added) when a torrent first connects.
 */
export class HybridNode extends EventEmitter {
  readonly client: WebTorrent
  private destroyed = false
  private dhtRetry: NodeJS.Timeout | null = null
  /** The ICE configuration every new WebRTC connection reads (webtorrent holds this object). */
  private readonly rtcConfig: NonNullable<HybridOptions['rtcConfig']>
  private rtcRefresh: NodeJS.Timeout | null = null
  /** Per torrent: settles once each of its trackers has answered its first announce, or failed. */
  private readonly trackersReplied = new WeakMap<Torrent, Promise<void>>()

  constructor(private readonly options: HybridOptions) {
    super()
    endGatheringAsBrowsersDo()
    this.rtcConfig = { iceServers: [], ...options.rtcConfig }
    this.client = new WebTorrent({
      dht: options.dht ? (options.dhtBootstrap?.length ? { bootstrap: options.dhtBootstrap } : true) : false,
      dhtPort: options.dhtPort,
      torrentPort: options.torrentPort,
      utp: options.utp,
      // Never reach for a router or the local network on our own.
      lsd: false,
      natUpnp: false,
      natPmp: false,
      uploadLimit: options.uploadLimitBytesPerS,
      downloadLimit: options.downloadLimitBytesPerS,
      tracker: { rtcConfig: this.rtcConfig },
    })
    this.client.on('error', (err: Error) => this.emit('warning', err))
    if (options.dht) this.announceOnceDhtFindsNodes(options.dhtBootstrap ?? [])
  }

  /**
   * Takes its ICE servers from a Swarmdrop app's /api/rtc-config, and fetches fresh TURN credentials
   * before they expire, as the app does. Rejects when the first fetch fails; later failures are
   * warnings, tried again a minute later.
   */
  async useRtcConfigFrom(url: string): Promise<void> {
    const { iceServers, expiresAtMs } = await fetchRtcConfig(url)
    this.rtcConfig.iceServers = iceServers
    if (expiresAtMs !== null)
      this.refreshRtcConfig(url, Math.max((expiresAtMs - Date.now()) * RTC_CONFIG_REFRESH_AT, 1_000))
  }

  /** Fetches the ICE servers again in `inMs`; a failure warns and tries again a minute later, as often as it takes. */
  private refreshRtcConfig(url: string, inMs: number): void {
    if (this.destroyed) return
    this.rtcRefresh = setTimeout(() => {
      this.useRtcConfigFrom(url).catch((err: Error) => {
        this.emit('warning', new Error(`ICE servers: ${err.message}`, { cause: err }))
        this.refreshRtcConfig(url, RTC_CONFIG_RETRY_MS)
      })
    }, inMs).unref()
  }

  /**
   * A torrent added while the DHT knows no node (its bootstrap nodes not up yet, or unreachable) was
   * announced into nothing, and bittorrent-dht tries its bootstrap nodes again and webtorrent
   * announces again only after ~15 minutes. Here, while it knows none, the bootstrap nodes given are
   * asked again within seconds, and when the first node appears every torrent is announced again.
   */
  private announceOnceDhtFindsNodes(bootstrap: string[]): void {
    const dht = this.client.dht
    if (!dht) return
    let isolated = true
    dht.on('node', () => {
      if (!isolated) return
      isolated = false
      // A fresh lookup first: announce() reuses the last one's nodes (none) for a few minutes.
      for (const { infoHash, private: isPrivate } of this.client.torrents)
        if (infoHash && !isPrivate) dht.lookup(infoHash, () => dht.announce(infoHash, this.client.torrentPort))
    })
    if (bootstrap.length === 0) return
    const nodes = bootstrap.map((entry) => addrToIPPort(entry))
    let attempt = 0
    const retry = () => {
      if (this.destroyed || dht.destroyed) return
      if (dht.nodes.count() === 0) {
        isolated = true
        for (const [host, port] of nodes) dht.addNode({ host, port })
      }
      this.dhtRetry = setTimeout(retry, DHT_RETRY_MS[Math.min(attempt++, DHT_RETRY_MS.length - 1)]).unref()
    }
    this.dhtRetry = setTimeout(retry, DHT_RETRY_MS[attempt++]).unref()
  }

  /**
   * Resolves once each of the torrent's trackers has answered its first announce (or failed), or after
   * a few seconds: a classic client that asks a tracker for peers in the same instant then finds us.
   */
  async announced(torrent: Torrent): Promise<void> {
    const replied = this.trackersReplied.get(torrent)
    if (!replied || torrent.announce.length === 0) return
    await Promise.race([replied, sleep(ANNOUNCE_WAIT_MS, undefined, { ref: false })])
  }

  /**
   * Creates a torrent of files or folders and seeds it. The files are read in place, never copied,
   * which is also why the torrent is named after them (webtorrent finds them on disk by that name).
   * Its pieces are sized as the app sizes them, so the same files shared from a browser join the
   * same swarm. `undated`: no creation date worth the name, and "created by" Swarmdrop (private shares).
   */
  async seed(paths: string[], { undated = false }: { undated?: boolean } = {}): Promise<Torrent> {
    const pieceLength = pieceLengthFor(
      (await Promise.all(paths.map(bytesUnder))).reduce((sum, bytes) => sum + bytes, 0),
    )
    // A private share's .torrent says nothing of when it was made, as the app's do not (create-torrent
    // always writes a date: the earliest it takes is 1 s after 1970).
    const anonymous = undated ? { createdBy: 'Swarmdrop', creationDate: UNDATED_MS } : {}
    return new Promise((resolvePromise, reject) => {
      const torrent = this.client.seed(
        paths.length === 1 ? paths[0]! : paths,
        { announce: this.options.trackers, pieceLength, ...anonymous },
        (seeded) => resolvePromise(seeded),
      )
      this.watch(torrent)
      torrent.once('error', reject)
    })
  }

  /**
   * Downloads into `outDir` (resuming from what is already there) and keeps seeding. Torrents whose
   * paths would leave `outDir` are refused before anything is written, as are those `vet` refuses
   * (its message) once their metadata is known.
   */
  async add(
    source: Source,
    outDir: string,
    { vet }: { vet?: (torrent: Torrent) => string | null } = {},
  ): Promise<Torrent> {
    const root = resolve(outDir)
    if (source.kind === 'file') {
      const unsafe = unsafePathsInTorrentFile(source.bytes)
      if (unsafe.length > 0) throw new UnsafeTorrentError(unsafe)
    }
    await mkdir(root, { recursive: true })
    const torrentId = source.kind === 'file' ? source.bytes : source.link.infoHash
    const announce = [...new Set([...this.options.trackers, ...(source.kind === 'link' ? source.link.trackers : [])])]
    // A private share's records are kept aside: the plain files are what lands in the folder.
    const path = source.kind === 'link' && source.link.secret ? privateRecordsFolder(root, source.link.infoHash) : root
    return new Promise((resolvePromise, reject) => {
      // A leecher, not a seeder, to trackers until the size is known.
      const torrent: Torrent = this.client.add(torrentId, {
        path,
        announce,
        getAnnounceOpts: () => leftUntilMetadata(torrent),
      })
      this.watch(torrent)
      torrent.once('error', reject)
      torrent.once('metadata', () => {
        const unsafe = torrent.info ? unsafePaths(torrent.info) : []
        const outside = torrent.files.filter((file) => !resolve(root, file.path).startsWith(root + sep))
        if (unsafe.length > 0 || outside.length > 0) {
          torrent.destroy()
          reject(new UnsafeTorrentError([...unsafe, ...outside.map((file) => file.path)]))
          return
        }
        const refused = vet?.(torrent)
        if (refused) {
          torrent.destroy({ destroyStore: true })
          reject(new Error(refused))
          return
        }
        resolvePromise(torrent)
      })
    })
  }

  status(): TorrentStatus[] {
    return this.client.torrents.map((torrent) => {
      // A browser on a long path may have several connections to this node: it counts once.
      const peerIds: Record<PeerKind, Set<string>> = { webrtc: new Set(), tcp: new Set(), utp: new Set() }
      for (const [index, wire] of torrent.wires.entries()) {
        const kind = KIND_OF_WIRE[wire.type]
        if (kind) peerIds[kind].add(wire.peerId ?? `#${index}`)
      }
      const peers: Record<PeerKind, number> = {
        webrtc: peerIds.webrtc.size,
        tcp: peerIds.tcp.size,
        utp: peerIds.utp.size,
      }
      return {
        infoHash: torrent.infoHash,
        name: torrent.name,
        length: torrent.length ?? 0,
        progress: torrent.progress ?? 0,
        done: torrent.done,
        downloaded: torrent.downloaded ?? 0,
        uploaded: torrent.uploaded ?? 0,
        downloadSpeed: Math.round(torrent.downloadSpeed ?? 0),
        uploadSpeed: Math.round(torrent.uploadSpeed ?? 0),
        peers,
      }
    })
  }

  /** Announces `stopped` to the trackers and closes every connection; bounded in time. Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    if (this.dhtRetry) clearTimeout(this.dhtRetry)
    if (this.rtcRefresh) clearTimeout(this.rtcRefresh)
    await Promise.race([
      new Promise<void>((resolvePromise) => this.client.destroy(() => resolvePromise())),
      new Promise<void>((resolvePromise) => setTimeout(resolvePromise, STOP_TIMEOUT_MS).unref()),
    ])
  }

  private watch(torrent: Torrent): void {
    torrent.on('warning', (err: Error) => this.emit('warning', err))
    const answered = new Set<string>()
    let failures = 0
    let allReplied = () => {}
    this.trackersReplied.set(torrent, new Promise<void>((resolvePromise) => (allReplied = resolvePromise)))
    const replied = () => {
      if (answered.size + failures >= torrent.announce.length) allReplied()
    }
    adoptTorrent(torrent as unknown as EngineTorrent, {
      runtime: 'node',
      onTrackerClient: (trackerClient) => {
        trackerClient.on('update', (data: { announce?: string }) => {
          if (data.announce) answered.add(data.announce)
          replied()
        })
        trackerClient.on('warning', () => {
          failures += 1
          replied()
        })
      },
    })
    adoptClassicPeers(torrent)
    torrent.on('done', () => this.emit('done', torrent))
    const watchedAt = performance.now()
    let connected = false
    torrent.on('wire', (wire: Wire) => {
      const kind = KIND_OF_WIRE[wire.type]
      if (!kind) return
      // Once: a peer that drops and comes back (rTorrent did, every second) is not a first peer again.
      if (!connected) this.emit('first-peer', torrent, kind, performance.now() - watchedAt)
      connected = true
      wire.on('download', (bytes: number) => this.emit('bytes', kind, 'in' satisfies Direction, bytes))
      wire.on('upload', (bytes: number) => this.emit('bytes', kind, 'out' satisfies Direction, bytes))
    })
  }
}

export class UnsafeTorrentError extends Error {
  constructor(readonly paths: string[]) {
    super(
      `Refusing this torrent: it names paths outside the output folder (${paths
        .slice(0, 3)
        .map((path) => JSON.stringify(path))
        .join(', ')}${paths.length > 3 ? ', …' : ''}).`,
    )
    this.name = 'UnsafeTorrentError'
  }
}

/** Where a private share's records are kept while (and after) it downloads: out of sight in the output folder. */
const privateRecordsFolder = (root: string, infoHash: string): string => join(root, '.swarmdrop', infoHash)

/** The bytes of a file, or of every file under a folder. */
async function bytesUnder(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.size
  const names = await readdir(path, { withFileTypes: true })
  // What create-torrent leaves out of the torrent is not counted either.
  const sizes = await Promise.all(
    names.filter((entry) => !isLeftOutOfFolders(entry.name)).map((entry) => bytesUnder(join(path, entry.name))),
  )
  return sizes.reduce((sum, bytes) => sum + bytes, 0)
}
