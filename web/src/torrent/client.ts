import WebTorrent, { type Torrent, type TorrentFile } from 'webtorrent/dist/webtorrent.min.js'
import type { TorrentLink } from '@swarmdrop/common'
import { getSettings, subscribeToSettings } from '../settings'
import { defaultTrackers, loadClientConfig } from './config'
import { peerPaths, type PeerPath } from './peers'
import { foldPieces } from './piece-map'
import { RelayConfig, type RelayState } from './relay'
import type { Role, TorrentSnapshot } from './snapshot'
import { deriveStatus } from './status'
import { startStreamServer, type StreamSupport } from './stream-server'

/** How often live figures (speed, progress, peers) are re-read for the UI. */
export const SNAPSHOT_INTERVAL_MS = 250
/** getStats() is not free; how connections are routed changes rarely. */
const PEER_PATHS_INTERVAL_MS = 2_000
/** After this long knowing the sender exists but reaching no peer, suggest the relay. */
export const CANNOT_CONNECT_AFTER_MS = 15_000
const UNKNOWN_LEFT_BYTES = 16 * 1024

type Entry = {
  key: string
  role: Role
  addedAtMs: number
  torrent: Torrent
  displayName: string
  hashing: { done: number; total: number } | null
  error: string | null
  trackerResponded: boolean
  trackerSeeders: number | null
  trackerHooked: boolean
  defaultTrackers: string[]
  peers: PeerPath[]
  /** Since when the tracker knows a seeder but no peer is connected, or null. */
  unreachableSinceMs: number | null
  /** Settles with the key (the info hash) once known, or with the torrent's error. */
  infoHash: Promise<string>
}

/** A file picked or dropped by a person, with its path inside the shared folder (if any). */
export type ShareInput = { file: File; path: string }

/**
 * Every torrent of this tab, and the one webtorrent client behind them. React reads it through
 * `subscribe`/`getSnapshot` (useSyncExternalStore); nothing else in the app touches webtorrent.
 */
export class TorrentClient {
  private client: WebTorrent | null = null
  private streaming: Promise<StreamSupport> | null = null
  private readonly relay = new RelayConfig(() => this.notify())
  private relayLoaded: Promise<void> | null = null
  private peerTimer: ReturnType<typeof setInterval> | null = null
  private readonly unsubscribers: Array<() => void> = []
  private readonly entries = new Map<string, Entry>()
  /** Links being opened, so two quick opens of one link (a double click) join one torrent. */
  private readonly opening = new Map<string, Promise<string>>()
  private readonly listeners = new Set<() => void>()
  private snapshot: readonly TorrentSnapshot[] = []
  private snapshotJson = '[]'
  private timer: ReturnType<typeof setInterval> | null = null
  private nextLocalId = 1
  private destroyed = false

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): readonly TorrentSnapshot[] => this.snapshot

  getRelayState = (): RelayState => this.relay.getState()

  /** Loads the relay configuration (for the settings) without starting webtorrent. */
  loadRelay(): Promise<void> {
    this.relayLoaded ??= this.relay.load()
    return this.relayLoaded
  }

  /** Seeds the files as one torrent. Resolves with the info hash once hashing is done. */
  async share(inputs: ShareInput[], name?: string): Promise<string> {
    const { client, trackers } = await this.ready()
    // Preparing reads every file twice: create-torrent hashes it, then webtorrent writes it to the
    // browser store (the slower half). Counting the bytes read covers both.
    const preparing = { done: 0, total: 2 * inputs.reduce((sum, input) => sum + input.file.size, 0) }
    const files = inputs.map(({ file, path }) => prepareForSeeding(file, path, (bytes) => (preparing.done += bytes)))
    const entry = this.track(client.seed(files, { name, announce: trackers }), 'sent', name ?? inputs[0]?.path ?? 'Files', trackers)
    entry.hashing = preparing
    return entry.infoHash
  }

  /** Joins the swarm of a link or a .torrent file. Resolves with the info hash. */
  async open(source: TorrentLink | Uint8Array): Promise<string> {
    if (source instanceof Uint8Array) {
      const { client, trackers } = await this.ready()
      return this.track(client.add(source, { announce: trackers }), 'received', 'Reading .torrent file', trackers).infoHash
    }
    const existing = this.entries.get(source.infoHash)
    if (existing) return existing.key
    let opening = this.opening.get(source.infoHash)
    if (!opening) {
      opening = this.openLink(source).finally(() => this.opening.delete(source.infoHash))
      this.opening.set(source.infoHash, opening)
    }
    return opening
  }

  private async openLink(link: TorrentLink): Promise<string> {
    const { client, trackers } = await this.ready()
    const torrent: Torrent = client.add(link.infoHash, {
      announce: [...new Set([...trackers, ...link.trackers])],
      // Before the metadata arrives webtorrent announces `left: NaN`, which JSON sends as null and
      // trackers read as 0: the receiver would count as a seeder, and "the sender is offline" could
      // never show. Any non-zero value makes it a leecher; 16 KiB is what other clients send.
      getAnnounceOpts: (): Record<string, number> => (torrent?.length ? {} : { left: UNKNOWN_LEFT_BYTES }),
    })
    return this.track(torrent, 'received', link.name ?? 'Waiting for file details', trackers).infoHash
  }

  /** Stops sharing or downloading and frees the stored pieces. */
  remove(key: string): void {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    if (!entry.torrent.destroyed) entry.torrent.destroy({ destroyStore: true })
    this.refresh()
  }

  getTorrent(key: string): Torrent | undefined {
    const entry = this.entries.get(key)
    return entry && !entry.torrent.destroyed ? entry.torrent : undefined
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    if (this.timer) clearInterval(this.timer)
    if (this.peerTimer) clearInterval(this.peerTimer)
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    this.relay.destroy()
    this.client?.destroy()
    this.entries.clear()
    this.listeners.clear()
  }

  private async ready(): Promise<{ client: WebTorrent; trackers: string[] }> {
    if (this.destroyed) throw new Error('The torrent client was shut down.')
    const [config] = await Promise.all([loadClientConfig(), this.loadRelay()])
    const trackers = defaultTrackers(config)
    if (!this.client) {
      // Every new peer connection reads this one, continually updated, configuration.
      const client = new WebTorrent({ tracker: { rtcConfig: this.relay.rtcConfig } })
      this.client = client
      // Torrent errors are handled per torrent; this only catches what escapes them.
      client.on('error', (err: Error) => console.error('webtorrent:', err))
      const applySettings = () => {
        client.throttleUpload(getSettings().uploadLimitBytesPerS ?? -1)
        this.retryUnreachable()
      }
      client.throttleUpload(getSettings().uploadLimitBytesPerS ?? -1)
      this.unsubscribers.push(subscribeToSettings(applySettings))
      this.peerTimer = setInterval(() => void this.readPeerPaths(), PEER_PATHS_INTERVAL_MS)
      // Install the streaming worker now, while peers are still being found, so a first visit's
      // player does not wait for it after the metadata arrives.
      this.streaming = startStreamServer(client)
    }
    return { client: this.client, trackers }
  }

  /** Whether files can be played while they download (through the service worker). Started once. */
  async streamSupport(): Promise<StreamSupport> {
    await this.ready()
    return this.streaming ?? { ok: false, reason: 'The torrent client was shut down.' }
  }

  /** The URL media elements and previews load a file from while it downloads. */
  async streamUrl(key: string, index: number): Promise<string> {
    const support = await this.streamSupport()
    if (!support.ok) throw new Error(support.reason)
    const file = this.getTorrent(key)?.files[index]
    if (!file) throw new Error('This file is no longer available.')
    return file.streamURL
  }

  /** Without a service worker: the whole file as a blob URL, once it has downloaded. Revoke it after use. */
  async blobUrl(key: string, index: number): Promise<string> {
    const file = this.getTorrent(key)?.files[index]
    if (!file) throw new Error('This file is no longer available.')
    return URL.createObjectURL(await new Response(file.stream()).blob())
  }

  private track(torrent: Torrent, role: Role, displayName: string, trackers: string[]): Entry {
    const infoHash = Promise.withResolvers<string>()
    const entry: Entry = {
      key: `local-${this.nextLocalId++}`,
      role,
      addedAtMs: Date.now(),
      torrent,
      displayName,
      hashing: null,
      error: null,
      trackerResponded: false,
      trackerSeeders: null,
      trackerHooked: false,
      defaultTrackers: trackers,
      peers: [],
      unreachableSinceMs: null,
      infoHash: infoHash.promise,
    }
    this.entries.set(entry.key, entry)
    // The error also shows on the entry; a caller that stopped waiting must not see an unhandled rejection.
    infoHash.promise.catch(() => {})

    torrent.on('infoHash', () => {
      const existing = this.entries.get(torrent.infoHash)
      if (existing && existing !== entry) {
        // The same torrent twice: keep the one already running.
        this.entries.delete(entry.key)
        torrent.destroy()
        infoHash.resolve(existing.key)
        this.refresh()
        return
      }
      this.entries.delete(entry.key)
      entry.key = torrent.infoHash
      this.entries.set(entry.key, entry)
      infoHash.resolve(entry.key)
      // Discovery starts right after this event; hook the tracker before its first answer.
      setTimeout(() => this.hookTracker(entry), 0)
      this.refresh()
    })
    // A shared torrent is ready to serve once its pieces are written to the store.
    torrent.on('seed', () => {
      entry.hashing = null
      this.refresh()
    })
    torrent.on('done', () => this.refresh())
    torrent.on('trackerAnnounce', () => {
      if (!entry.trackerHooked) {
        // The first answer came before the hook (discovery starts asynchronously): ask again once,
        // so the seeder count that tells "sender offline" from "connecting to the sender" arrives.
        this.hookTracker(entry)
        entry.torrent.discovery?.tracker?.update()
      }
      entry.trackerResponded = true
    })
    torrent.on('error', (err: Error) => {
      entry.error = describeTorrentError(err)
      entry.hashing = null
      infoHash.reject(new Error(entry.error))
      this.refresh()
    })
    this.startTimer()
    this.refresh()
    return entry
  }

  private hookTracker(entry: Entry): void {
    const tracker = entry.torrent.discovery?.tracker
    if (entry.trackerHooked || !tracker) return
    entry.trackerHooked = true
    tracker.on('update', (data: { complete?: number }) => {
      entry.trackerResponded = true
      if (typeof data.complete === 'number') entry.trackerSeeders = data.complete
    })
  }

  /** After a settings change (say, the relay turned on), announce again so new connections use it. */
  private retryUnreachable(): void {
    for (const entry of this.entries.values()) {
      if (!entry.torrent.done && connectedPeers(entry.torrent) === 0) entry.torrent.discovery?.tracker?.update()
    }
  }

  private async readPeerPaths(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        entry.peers = entry.torrent.destroyed ? [] : await peerPaths(entry.torrent)
      }),
    )
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }

  private startTimer(): void {
    this.timer ??= setInterval(() => {
      if (this.entries.size === 0 && this.timer) {
        clearInterval(this.timer)
        this.timer = null
      }
      this.refresh()
    }, SNAPSHOT_INTERVAL_MS)
  }

  private refresh(): void {
    const nowMs = Date.now()
    const snapshot = [...this.entries.values()].map((entry) => {
      this.hookTracker(entry)
      const unreachable = !entry.torrent.done && connectedPeers(entry.torrent) === 0 && (entry.trackerSeeders ?? 0) > 0
      entry.unreachableSinceMs = unreachable ? (entry.unreachableSinceMs ?? nowMs) : null
      return toSnapshot(entry, nowMs)
    })
    const json = JSON.stringify(snapshot)
    if (json === this.snapshotJson) return
    this.snapshotJson = json
    this.snapshot = snapshot
    this.notify()
  }
}

/** Peers with an established connection; webtorrent's numPeers also counts attempts in progress. */
const connectedPeers = (torrent: Torrent): number => torrent.wires?.length ?? 0

function toSnapshot(entry: Entry, nowMs: number): TorrentSnapshot {
  const { torrent } = entry
  const hasMetadata = torrent.ready || (torrent.files?.length ?? 0) > 0
  const hashingProgress = entry.hashing ? (entry.hashing.total > 0 ? entry.hashing.done / entry.hashing.total : 0) : null
  const status = deriveStatus({
    role: entry.role,
    hashing: entry.hashing !== null,
    error: entry.error,
    trackerResponded: entry.trackerResponded,
    trackerSeeders: entry.trackerSeeders,
    hasMetadata,
    done: torrent.done,
    numPeers: connectedPeers(torrent),
    downloadSpeed: torrent.downloadSpeed ?? 0,
  })
  const timeRemaining = torrent.timeRemaining
  const bitfield = torrent.bitfield
  return {
    key: entry.key,
    infoHash: torrent.infoHash ?? null,
    role: entry.role,
    name: torrent.name || entry.displayName,
    length: hasMetadata ? torrent.length : null,
    status,
    error: entry.error,
    hashingProgress,
    progress: torrent.done ? 1 : (torrent.progress ?? 0),
    pieceMap: hasMetadata && bitfield ? foldPieces(torrent.pieces.length, (index) => bitfield.get(index)) : [],
    downloaded: torrent.downloaded ?? 0,
    uploaded: torrent.uploaded ?? 0,
    downloadSpeed: Math.round(torrent.downloadSpeed ?? 0),
    uploadSpeed: Math.round(torrent.uploadSpeed ?? 0),
    numPeers: connectedPeers(torrent),
    timeRemainingMs: Number.isFinite(timeRemaining) && !torrent.done && torrent.downloadSpeed > 0 ? Math.round(timeRemaining) : null,
    files: hasMetadata
      ? torrent.files.map((file, index) => ({ index, path: file.path, name: file.name, length: file.length, progress: fileProgress(file, torrent) }))
      : [],
    peers: entry.peers,
    cannotConnect: entry.unreachableSinceMs !== null && nowMs - entry.unreachableSinceMs >= CANNOT_CONNECT_AFTER_MS,
    magnetUri: torrent.infoHash ? torrent.magnetURI ?? null : null,
    extraTrackers: (torrent.announce ?? []).filter((tracker) => !entry.defaultTrackers.includes(tracker)),
    addedAtMs: entry.addedAtMs,
  }
}

/**
 * webtorrent's File.progress under-counts a file that ends exactly on a piece boundary (it subtracts
 * a whole piece), so a complete file can read 95 %; its `done` flag is right.
 */
function fileProgress(file: TorrentFile, torrent: Torrent): number {
  return torrent.done || file.done ? 1 : Math.min(file.progress, 0.999)
}

function describeTorrentError(err: Error): string {
  const message = err.message || String(err)
  if (/invalid torrent|torrent is missing|bencode|Unexpected/i.test(message)) return `This .torrent file is damaged or not a torrent (${message}).`
  return message
}

/**
 * create-torrent reads a file's place in the shared folder from `fullPath`, and both it and webtorrent
 * read the bytes through `stream()`, which is wrapped here to count them.
 */
function prepareForSeeding(file: File, path: string, onRead: (bytes: number) => void): File {
  if (path && path !== file.name) Object.defineProperty(file, 'fullPath', { value: path, configurable: true })
  const stream = file.stream.bind(file)
  const counted = () =>
    stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onRead(chunk.byteLength)
          controller.enqueue(chunk)
        },
      }),
    )
  Object.defineProperty(file, 'stream', { value: counted, configurable: true })
  return file
}
