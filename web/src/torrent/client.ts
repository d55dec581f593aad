import type WebTorrent from 'webtorrent/dist/webtorrent.min.js'
import type { Emitter, Torrent } from 'webtorrent/dist/webtorrent.min.js'
import { batchWireWrites, DONE_MARK, encodeSecret, FIRST_PEER_MARK, offerWhileConnecting, parseSecret, randomSalt, randomSecret, reconnectTrackersPromptly, type TorrentLink } from '@swarmdrop/common'
import { getSettings, subscribeToSettings } from '../settings'
import { defaultTrackers, loadClientConfig } from './config'
import { publicContent, sealedContent } from './create/content'
import { createTorrent, pieceHashesOf, type CreatedTorrent } from './create/create-torrent'
import { planLayout } from './create/layout'
import { isSealedTorrent, publicFiles, sealedFiles, type ContentFile } from './content'
import { MISSING_KEY_MESSAGE, openPrivateShare, sealedTwinOf } from './private-shares'
import { connectedPeers, describeTorrentError, plainLengthOf, sampleSpeed, SPEED_HISTORY_SAMPLE_MS, toRecord, toSnapshot, type Entry } from './entry'
import { canRead, FileChunkStore, type FileStoreOptions } from './store/file-store'
import { deleteStoredBytes, OpfsChunkStore } from './store/opfs-store'
import { isOutOfSpace } from './store/storage-error'
import { deleteCopy, loadCopies, storeCopy } from './store/share-copies'
import { requestPersistence, storageFree } from './store/storage-room'
import { formatBytes } from '../format'
import { deleteRecord, deleteSharedFiles, keepsFileReferences, loadLibrary, loadSharedFiles, saveRecord, saveSharedFiles, type LibraryRecord } from './library'
import { dropWhenDisconnected } from './dead-peers'
import { peerPaths } from './peers'
import { rarestFirstOnce } from './rarest-first'
import { requestLargerBlocks } from './block-size'
import { endStreamGrace, shortRequestPipelines } from './request-pipeline'
import { RelayConfig, type RelayState } from './relay'
import type { ShareInput } from './share-input'
import type { Role, TorrentSnapshot } from './snapshot'
import type { SourceSpec } from './source'
import { sealedStreamUrl, startStreamServer, type StreamSupport } from './stream-server'

/**
 * How often live figures (speed, progress, time left) are re-read for the UI; changes of state (a
 * peer, done, an error) refresh it at once. Once a second, as download views do: figures stay
 * readable, and each refresh costs both tabs style, layout, paint and compositing (at 250 ms, ~7 %
 * of the CPU of a transfer between two tabs on one machine).
 */
const SNAPSHOT_INTERVAL_MS = 1_000
/** getStats() is not free; how connections are routed changes rarely. */
const PEER_PATHS_INTERVAL_MS = 2_000
const UNKNOWN_LEFT_BYTES = 16 * 1024
/**
 * Whole pieces a download keeps in memory for the peers it uploads to (webtorrent's piece cache):
 * each 16 KiB block they ask for would otherwise be a round trip to the store worker. In a swarm
 * of four receivers this took the renderers' CPU from 47 to 40 s and the browser's from 10 to 6 s.
 */
const UPLOAD_CACHE_PIECES = 16
/** The end of a playing video or audio file, fetched early (see fetchEndEarly): its index, in a piece or two. */
const MEDIA_TAIL_BYTES = 1024 * 1024

type Started = { client: WebTorrent; trackers: string[] }
/** What webtorrent starts from: shared files (hashed already), a .torrent, or only an info hash. */
type Source = { kind: 'seed'; torrentFile: Uint8Array; source: SourceSpec } | { kind: 'file'; bytes: Uint8Array } | { kind: 'link'; infoHash: string }

/** Said by a download held in memory, its store finding the private file system unusable. */
const IN_MEMORY_ONLY = 'This browser cannot store downloads here (a private window?), so this one is held in memory: a reload starts it again.'

/** From this size a download asks for persistent storage: losing it to an eviction would cost the most. */
const LARGE_DOWNLOAD_BYTES = 1024 ** 3

/** Said by a share after a reload where the browser kept neither a reference to its files nor a copy. */
const SHARED_WHILE_OPEN = 'Shared while its tab was open. To share again on the same link, drop the same files here.'

/** What a torrent says when its library record could not be stored (most often: the browser's storage is full). */
const NOT_REMEMBERED = 'This browser could not remember this torrent'
const notRemembered = (err: Error) =>
  `${NOT_REMEMBERED} (${isOutOfSpace(err) ? 'it ran out of storage space' : err.message}): it works in this tab, but will not be listed after a reload.`

const ASKING_TO_KEEP = 'A large download: Swarmdrop asks this browser to keep it, rather than clear it when space runs low.'

/**
 * Every torrent of this browser, and the one webtorrent client behind them. Torrents are remembered
 * in the library (IndexedDB), downloads' bytes in the private file system and shared files by
 * reference, so a reload starts them again. React reads this through `subscribe`/`getSnapshot`;
 * nothing else touches webtorrent.
 */
export class TorrentClient {
  private started: Promise<Started> | null = null
  private client: WebTorrent | null = null
  private trackers: string[] = []
  private streaming: Promise<StreamSupport> | null = null
  private readonly relay = new RelayConfig(() => this.notify())
  private relayLoaded: Promise<void> | null = null
  private readonly entries = new Map<string, Entry>()
  /** Links being opened, so two quick opens of one link (a double click) join one torrent. */
  private readonly opening = new Map<string, Promise<string>>()
  /** Settles with an entry's key once its info hash is known, or with its error. */
  private readonly keys = new WeakMap<Entry, Promise<string>>()
  private readonly listeners = new Set<() => void>()
  private readonly unsubscribers: Array<() => void> = []
  private snapshot: readonly TorrentSnapshot[] = []
  private snapshotJson = '[]'
  private timers: Array<ReturnType<typeof setInterval>> = []
  private refreshPending = false
  private nextLocalId = 1
  private lastHistorySampleMs = 0
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

  /** On page load: starts webtorrent only if the library has torrents to bring back. */
  async restore(): Promise<void> {
    if ((await loadLibrary()).length > 0) await this.start()
  }

  /**
   * Seeds the files as one torrent: a private share (encrypted, its key in the link) or a public
   * torrent. Resolves with the info hash once they are hashed; they are served straight from the
   * files (encrypted as they are read), so sharing starts at once.
   */
  async share(inputs: ShareInput[], { name, privately }: { name?: string; privately: boolean }): Promise<string> {
    await this.start()
    const layout = planLayout(inputs, name)
    if (!layout.ok) throw new Error(layout.error)
    let content = privately ? sealedContent(layout.value, randomSecret(), randomSalt()) : publicContent(layout.value)
    // The same names and sizes as a private share already here: sealed with its key and salt, the
    // same files make the same torrent (as a public torrent's would), which is then kept.
    const twin = content.source.kind === 'sealed' ? sealedTwinOf(this.entries.values(), content.source.spec.manifest) : null
    if (twin) content = sealedContent(layout.value, twin.secret, twin.salt)
    const { length } = content
    const entry = this.newEntry('sent', layout.value.name, [])
    entry.hashing = { done: 0, total: length }
    this.refresh()
    let created: CreatedTorrent
    try {
      // Each finished job (16 MiB) moves the bar at once: a whole share can take less than one refresh.
      const onProgress = (done: number) => {
        entry.hashing = { done, total: length }
        this.refresh()
      }
      // A private share's .torrent carries no creation date either: nothing but its size bucket.
      const create = () => createTorrent(content, { announce: this.trackers, onProgress, createdAtS: privately ? null : undefined })
      created = await create()
      if (twin && created.infoHash !== twin.infoHash) {
        // Other bytes under the twin's key and nonces must never be served (two ciphertexts of one
        // nonce give away the XOR of their plaintexts): seal them afresh.
        content = sealedContent(layout.value, randomSecret(), randomSalt())
        created = await create()
      }
    } catch (err) {
      Object.assign(entry, { hashing: null, error: (err as Error).message })
      this.refresh()
      throw err
    }
    this.entries.delete(entry.key)
    const blobs = layout.value.files.map((file) => file.blob)
    const existing = this.entries.get(created.infoHash)
    // The same files again: keep the entry, and serve from these files if the earlier ones can no
    // longer be read (a failure may not have shown yet: nobody asked for a piece since a reload).
    const target = existing ?? entry
    if (existing && existing.torrent && !existing.error && (!existing.blobs || (await canRead(existing.blobs)))) return existing.key
    if (existing) this.halt(existing)
    const spec = content.source.kind === 'sealed' ? content.source.spec : null
    const sealed = spec ? { secret: encodeSecret(spec.secret), sender: { salt: spec.salt, manifest: spec.manifest }, share: null } : null
    Object.assign(target, { key: created.infoHash, hashing: null, error: null, stopped: false, stopReason: null, blobs, torrentFile: created.torrentFile, length, sealed })
    this.entries.set(target.key, target)
    this.launch(target, this.sourceOf(target), { fresh: true })
    this.persist(target)
    // Where the browser would store a copy of the files rather than a reference, nothing is stored
    // unless the person asks (keepCopy).
    target.kept = keepsFileReferences() ? 'reference' : target.kept === 'copy' ? 'copy' : 'tab'
    if (target.kept === 'reference') {
      saveSharedFiles(target.key, blobs).catch((err: Error) => {
        target.kept = 'tab'
        target.notice = `This browser could not keep a reference to the files (${err.message}), so sharing stops when this tab closes.`
        this.refresh()
      })
    }
    return target.key
  }

  /**
   * Stores a copy of a share's files, so it goes on after a reload, in a browser that keeps no
   * reference to a picked file. Checks the room first, and asks the browser to keep the storage.
   */
  async keepCopy(key: string): Promise<void> {
    const entry = this.entries.get(key)
    if (!entry?.blobs || entry.kept !== 'tab') return
    const size = entry.blobs.reduce((sum, blob) => sum + blob.size, 0)
    const free = await storageFree()
    if (free !== null && free < size) {
      throw new Error(`There is not enough room for a copy: it needs ${formatBytes(size)}, and this browser has ${formatBytes(free)} left for Swarmdrop. The share goes on while this tab is open.`)
    }
    entry.kept = 'copying'
    this.refresh()
    // Firefox asks the person about persistent storage; the copy need not wait for the answer.
    void requestPersistence()
    try {
      await storeCopy(key, entry.blobs)
      if (this.entries.get(key) === entry) entry.kept = 'copy'
      else await deleteCopy(key)
    } catch (err) {
      entry.kept = 'tab'
      const message = isOutOfSpace(err) ? 'This browser ran out of storage space for the copy.' : `The copy could not be stored (${(err as Error).message}).`
      throw new Error(`${message} The share goes on while this tab is open.`, { cause: err })
    } finally {
      this.refresh()
    }
  }

  /** Deletes a share's stored copy: it goes on in this tab, and ends with it. */
  async dropCopy(key: string): Promise<void> {
    const entry = this.entries.get(key)
    if (entry?.kept !== 'copy') return
    entry.kept = 'tab'
    await deleteCopy(key)
    this.refresh()
  }

  /** Joins the swarm of a link or a .torrent file. Resolves with the info hash. */
  async open(source: TorrentLink | Uint8Array): Promise<string> {
    await this.start()
    if (source instanceof Uint8Array) {
      const entry = this.newEntry('received', 'Reading .torrent file', [])
      this.launch(entry, { kind: 'file', bytes: source }, { fresh: true })
      return this.keyOf(entry)
    }
    const existing = this.entries.get(source.infoHash)
    if (existing) {
      // A share that did not open (no key, or a wrong one) opened again with another key: try that.
      if (source.secret && existing.role === 'received' && !existing.sealed?.share && existing.sealed?.secret !== source.secret) {
        existing.sealed = { secret: source.secret, sender: null, share: null }
        if (!existing.torrent) this.resume(existing.key, { afterError: true })
      }
      return existing.key
    }
    let opening = this.opening.get(source.infoHash)
    if (!opening) {
      const entry = this.newEntry('received', source.secret ? 'Private share' : (source.name ?? 'Waiting for file details'), source.trackers, source.infoHash)
      if (source.secret) entry.sealed = { secret: source.secret, sender: null, share: null }
      this.launch(entry, { kind: 'link', infoHash: source.infoHash }, { fresh: true })
      opening = this.keyOf(entry).finally(() => this.opening.delete(source.infoHash))
      this.opening.set(source.infoHash, opening)
    }
    return opening
  }

  /** Stops sharing or downloading; the torrent and its pieces stay for `resume`. */
  stop(key: string): void {
    const entry = this.entries.get(key)
    if (!entry || entry.stopped) return
    entry.stopped = true
    this.halt(entry)
    this.persist(entry)
    this.refresh()
  }

  resume(key: string, { afterError = false } = {}): void {
    const entry = this.entries.get(key)
    if (!entry || !(entry.stopped || afterError) || !this.client) return
    if (entry.role === 'sent' && !entry.blobs) return
    entry.stopped = false
    entry.stopReason = null
    entry.error = null
    this.launch(entry, this.sourceOf(entry), { fresh: false })
    this.persist(entry)
    this.refresh()
  }

  /** Stops and forgets a torrent, and deletes its stored pieces. */
  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key)
    if (!entry) return
    this.entries.delete(key)
    this.refresh()
    const torrent = entry.torrent
    entry.torrent = null
    if (torrent && !torrent.destroyed) await new Promise<void>((resolve) => torrent.destroy({ destroyStore: true }, () => resolve()))
    else if (entry.role === 'received' && !key.startsWith('local-')) {
      await deleteStoredBytes(key).catch((err: Error) => console.warn(`Could not delete the data of ${entry.displayName}: ${err.message}`))
    }
    if (entry.kept === 'reference') await deleteSharedFiles(key)
    if (entry.kept === 'copy') await deleteCopy(key)
    await deleteRecord(key)
  }

  getTorrent(key: string): Torrent | undefined {
    const torrent = this.entries.get(key)?.torrent
    return torrent && !torrent.destroyed ? torrent : undefined
  }

  /** The files as the person sees them (a private share's decrypted), while the torrent runs. */
  contentFiles(key: string): ContentFile[] {
    const entry = this.entries.get(key)
    const torrent = this.getTorrent(key)
    if (!entry || !torrent?.files?.length) return []
    if (entry.sealed?.share) {
      return sealedFiles(torrent, entry.sealed.share, (path, err) => {
        entry.notice = `“${path}” failed its integrity check (${err.message}): its data was damaged or changed on the way, so it stopped. Delete this download and open the link again.`
        this.refresh()
      })
    }
    return isSealedTorrent(torrent) ? [] : publicFiles(torrent)
  }

  /** The name a saved zip or .torrent takes. */
  displayName(key: string): string {
    return this.snapshot.find((torrent) => torrent.key === key)?.name ?? 'download'
  }

  /** Whether files can be played while they download (through the service worker). */
  async streamSupport(): Promise<StreamSupport> {
    await this.start()
    return this.streaming ?? { ok: false, reason: 'The torrent client was shut down.' }
  }

  /** The URL media elements and previews load a file from while it downloads. */
  async streamUrl(key: string, index: number): Promise<string> {
    const support = await this.streamSupport()
    if (!support.ok) throw new Error(support.reason)
    if (this.entries.get(key)?.sealed) {
      if (!this.contentFiles(key)[index]) throw new Error('This file is no longer available.')
      return sealedStreamUrl(key, index)
    }
    const file = this.getTorrent(key)?.files[index]
    if (!file) throw new Error('This file is no longer available.')
    return file.streamURL
  }

  /**
   * Fetches the end of a playing video or audio file alongside the part that plays next: players
   * read it before they can seek (WebM's index of key frames, an MP4's when it is not at the front),
   * so a seek then waits for no peer. Called once playback has started, which it does not delay.
   */
  fetchEndEarly(key: string, index: number): void {
    const torrent = this.getTorrent(key)
    const file = this.contentFiles(key)[index]
    if (!torrent || !file || torrent.done || file.length === 0) return
    const { start, end } = file.tailRange(MEDIA_TAIL_BYTES)
    const pieceOf = (byte: number) => Math.floor(byte / torrent.pieceLength)
    torrent._select(pieceOf(start), pieceOf(end), 2, undefined, true)
  }

  /** Without a service worker: the whole file as a blob URL, once it has downloaded. Revoke it after use. */
  async blobUrl(key: string, index: number): Promise<string> {
    const file = this.contentFiles(key)[index]
    if (!file) throw new Error('This file is no longer available.')
    return URL.createObjectURL(new Blob([await new Response(file.stream()).blob()], { type: file.type }))
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    for (const timer of this.timers) clearInterval(timer)
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    this.relay.destroy()
    this.client?.destroy()
    this.entries.clear()
    this.listeners.clear()
  }

  /** Creates webtorrent (once) and brings back the library before anything else is opened. */
  private start(): Promise<Started> {
    if (this.destroyed) return Promise.reject(new Error('The torrent client was shut down.'))
    this.started ??= (async () => {
      const [{ default: WebTorrent }, config, library, sharedFiles] = await Promise.all([
        this.loadWebTorrent(),
        loadClientConfig(),
        loadLibrary(),
        loadSharedFiles(),
        this.loadRelay(),
      ])
      // Stored copies are looked for only when a share has no reference to its files: opening the
      // private file system costs a first visit ~80 ms before its first peer (measured).
      const copies = library.some((record) => record.role === 'sent' && !sharedFiles.has(record.infoHash)) ? await loadCopies() : new Map<string, Blob[]>()
      this.trackers = defaultTrackers(config)
      // Every new peer connection reads this one, continually updated, configuration.
      const client = new WebTorrent({ tracker: { rtcConfig: this.relay.rtcConfig } })
      this.client = client
      // Torrent errors are handled per torrent; this only catches what escapes them.
      client.on('error', (err: Error) => console.error('webtorrent:', err))
      client.throttleUpload(getSettings().uploadLimitBytesPerS ?? -1)
      this.unsubscribers.push(
        subscribeToSettings(() => {
          client.throttleUpload(getSettings().uploadLimitBytesPerS ?? -1)
          this.retryUnreachable()
        }),
      )
      // The streaming worker installs while peers are found, so a first visit's player need not wait.
      this.streaming = startStreamServer(client, (key, index) => this.contentFiles(key)[index] ?? null)
      this.timers.push(setInterval(() => this.refresh(), SNAPSHOT_INTERVAL_MS))
      this.timers.push(setInterval(() => void this.readPeerPaths(), PEER_PATHS_INTERVAL_MS))
      for (const record of library) this.restoreRecord(record, sharedFiles.get(record.infoHash) ?? null, copies.get(record.infoHash) ?? null)
      // A copy left by a share deleted in a tab that closed before it finished.
      for (const infoHash of copies.keys()) if (!this.entries.has(infoHash)) void deleteCopy(infoHash)
      return { client, trackers: this.trackers }
    })()
    return this.started
  }

  /**
   * webtorrent is a chunk of its own (~40 % of the app's script): the page renders before it is
   * evaluated, and it loads while the configuration and the library do. A failed load (a network
   * error, or a page older than the app now deployed) says what to do, and a later call tries again.
   */
  private loadWebTorrent(): Promise<{ default: typeof WebTorrent }> {
    return import('webtorrent/dist/webtorrent.min.js').catch((err: Error) => {
      this.started = null
      throw new Error(`Part of Swarmdrop could not be loaded (${err.message}). Check your connection and reload the page.`)
    })
  }

  private restoreRecord(record: LibraryRecord, referenced: Blob[] | null, copy: Blob[] | null): void {
    const blobs = referenced ?? copy
    if (this.entries.has(record.infoHash)) return
    const entry = this.newEntry(record.role, record.name, record.trackers, record.infoHash)
    const sealed = record.sealed && { ...record.sealed, share: null }
    Object.assign(entry, { addedAtMs: record.addedAtMs, length: record.length, torrentFile: record.torrentFile, blobs, stopped: record.stopped, stopReason: record.stopReason, sealed })
    if (record.role === 'sent') {
      entry.kept = referenced ? 'reference' : copy ? 'copy' : 'tab'
      // Shared while its tab was open: this browser has nothing to share it from until they are dropped again.
      if (!blobs) Object.assign(entry, { stopped: true, stopReason: SHARED_WHILE_OPEN })
    }
    if (!entry.stopped) this.launch(entry, this.sourceOf(entry), { fresh: false })
    this.refresh()
  }

  private sourceOf(entry: Entry): Source {
    if (entry.blobs && entry.torrentFile) {
      const sender = entry.sealed?.sender
      const secret = entry.sealed && parseSecret(entry.sealed.secret)
      const source: SourceSpec = sender && secret?.ok ? { kind: 'sealed', spec: { secret: secret.value, ...sender, blobs: entry.blobs } } : { kind: 'plain', blobs: entry.blobs }
      return { kind: 'seed', torrentFile: entry.torrentFile, source }
    }
    return entry.torrentFile ? { kind: 'file', bytes: entry.torrentFile } : { kind: 'link', infoHash: entry.key }
  }

  private newEntry(role: Role, displayName: string, trackers: string[], infoHash?: string): Entry {
    const entry: Entry = {
      key: infoHash ?? `local-${this.nextLocalId++}`,
      role,
      addedAtMs: Date.now(),
      torrent: null,
      displayName,
      length: null,
      torrentFile: null,
      trackers,
      defaultTrackers: this.trackers,
      hashing: null,
      blobs: null,
      kept: null,
      sealed: null,
      error: null,
      notice: null,
      stopped: false,
      stopReason: null,
      trackerResponded: false,
      trackerSeeders: null,
      trackerHooked: false,
      peers: [],
      unreachableSinceMs: null,
      smoothedSpeed: 0,
      speedReadAtMs: null,
      speedHistory: [],
    }
    this.entries.set(entry.key, entry)
    return entry
  }

  private keyOf(entry: Entry): Promise<string> {
    return this.keys.get(entry) ?? Promise.resolve(entry.key)
  }

  /**
   * Starts webtorrent on an entry. `fresh` means nothing of it can be in the store yet, so checking
   * the store piece by piece (which costs ~0.6 s per 100 MB before the first byte) is skipped.
   */
  private launch(entry: Entry, source: Source, { fresh }: { fresh: boolean }): void {
    // webtorrent's piece cache is off for shared files (their store keeps whole windows already) and
    // small for downloads (UPLOAD_CACHE_PIECES), instead of its default 20 pieces.
    const client = this.client!
    const announce = [...new Set([...this.trackers, ...entry.trackers])]
    const onMemoryOnly = () => {
      if (entry.torrent !== torrent) return
      entry.notice = IN_MEMORY_ONLY
      this.refresh()
    }
    const downloadStore = { store: OpfsChunkStore, storeOpts: { onMemoryOnly } }
    let torrent: Torrent
    if (source.kind === 'seed') {
      const storeOpts: FileStoreOptions = {
        source: source.source,
        // A private share's pieces are checked before they are served (see FileStoreOptions).
        ...(source.source.kind === 'sealed' ? { pieceHashes: pieceHashesOf(source.torrentFile) } : {}),
        onReadError: (err) => {
          // A read still in flight for a torrent already replaced (the files dropped again) is not news.
          if (entry.torrent !== torrent) return
          entry.error ??= `The shared files cannot be read any more (${err.message}): they were moved, changed or deleted. Drop them again to keep sharing.`
        },
      }
      // The pieces were just hashed from these files, so every piece is known to be present.
      torrent = client.add(source.torrentFile, { announce, store: FileChunkStore, storeOpts, storeCacheSlots: 0, skipVerify: true })
    } else if (source.kind === 'file') torrent = client.add(source.bytes, { announce, ...downloadStore, storeCacheSlots: UPLOAD_CACHE_PIECES })
    else {
      torrent = client.add(source.infoHash, {
        announce,
        ...downloadStore,
        storeCacheSlots: UPLOAD_CACHE_PIECES,
        // Before the metadata arrives webtorrent announces `left: NaN`, which JSON sends as null and
        // trackers read as 0: the receiver would count as a seeder, and "the sender is offline" could
        // never show. Any non-zero value makes it a leecher; 16 KiB is what other clients send.
        getAnnounceOpts: (): Record<string, number> => (torrent?.length ? {} : { left: UNKNOWN_LEFT_BYTES }),
      })
    }
    shortRequestPipelines(torrent)
    Object.assign(entry, { torrent, trackerResponded: false, trackerSeeders: null, trackerHooked: false, unreachableSinceMs: null })
    const key = Promise.withResolvers<string>()
    // The error also shows on the entry; a caller that stopped waiting must not see an unhandled rejection.
    key.promise.catch(() => {})
    this.keys.set(entry, key.promise)

    torrent.on('infoHash', () => {
      if (entry.torrent !== torrent) return
      const existing = this.entries.get(torrent.infoHash)
      if (existing && existing !== entry) {
        // The same torrent twice: keep the one already here.
        this.entries.delete(entry.key)
        entry.torrent = null
        torrent.destroy()
        key.resolve(existing.key)
        this.refresh()
        return
      }
      this.entries.delete(entry.key)
      entry.key = torrent.infoHash
      this.entries.set(entry.key, entry)
      key.resolve(entry.key)
      this.persist(entry)
      // Discovery starts right after this event, in the same task: hook its tracker while it connects.
      queueMicrotask(() => this.hookTracker(entry))
      this.refresh()
    })
    torrent.on('metadata', () => {
      requestLargerBlocks(torrent)
      if (fresh && source.kind !== 'seed') skipVerifyingEmptyStore(torrent)
      if (fresh && source.kind !== 'seed') void this.keepLargeDownload(entry, torrent)
      this.persist(entry)
      // The name, size and files to show (and to play) are known now, not at the next refresh.
      this.refresh()
    })
    torrent.on('ready', () => {
      this.openSealed(entry, torrent)
      this.refresh()
    })
    torrent.on('done', () => {
      performance.mark(DONE_MARK, { detail: torrent.infoHash })
      // The tracker's seeder count so far did not include this tab: until it answers the 'completed'
      // announce webtorrent sends now, the count says nothing about who else has the whole file.
      entry.trackerSeeders = null
      this.refresh()
    })
    torrent.on('wire', (wire: Emitter) => {
      if (connectedPeers(torrent) === 1) performance.mark(FIRST_PEER_MARK, { detail: torrent.infoHash })
      batchWireWrites(wire)
      const connection = connectionOf(torrent, wire)
      if (connection) dropWhenDisconnected(connection, () => connectedPeers(torrent) > 1)
      choosePieceOrder(torrent)
      wire.once('close', () => {
        choosePieceOrder(torrent)
        this.refresh()
      })
      this.refresh()
    })
    torrent.on('trackerAnnounce', () => {
      if (!entry.trackerHooked) {
        // The first answer came before the hook (discovery starts asynchronously): ask again once,
        // so the seeder count that tells "sender offline" from "connecting to the sender" arrives.
        this.hookTracker(entry)
        torrent.discovery?.tracker?.update()
      }
      entry.trackerResponded = true
      this.refresh()
    })
    torrent.on('error', (err: Error) => {
      if (entry.torrent !== torrent) return
      const { message, outOfSpace } = describeTorrentError(err)
      entry.hashing = null
      entry.torrent = null
      if (outOfSpace && !entry.key.startsWith('local-')) {
        // Out of space stops this torrent and keeps what it has; everything else goes on.
        entry.stopped = true
        entry.stopReason = message
        this.persist(entry)
      } else {
        entry.error = message
      }
      key.reject(new Error(message))
      this.refresh()
    })
  }

  /**
   * A private share's file list and keys come from its first records, which are fetched first. A
   * share opened without its key, or with a wrong one, stops and says so; nothing else is affected.
   */
  private openSealed(entry: Entry, torrent: Torrent): void {
    if (!isSealedTorrent(torrent) || entry.sealed?.share) return
    void openPrivateShare(entry, torrent).then((opened) => {
      if (entry.torrent !== torrent) return
      if (!opened.ok || !entry.sealed) {
        entry.error = opened.ok ? MISSING_KEY_MESSAGE : opened.error
        this.halt(entry)
      } else {
        entry.sealed.share = opened.value
        // Reading the manifest was no player's stream: the download goes on at full pipelines.
        endStreamGrace(torrent)
        this.persist(entry)
      }
      this.refresh()
    })
  }

  /**
   * A large download asks the browser to keep its storage rather than clear it when space runs low,
   * saying so first, as Firefox asks the person at once. (One that cannot fit at all is refused by its
   * store before its first byte: see opfs-worker.)
   */
  private async keepLargeDownload(entry: Entry, torrent: Torrent): Promise<void> {
    if (torrent.length < LARGE_DOWNLOAD_BYTES) return
    entry.notice ??= ASKING_TO_KEEP
    this.refresh()
    const kept = await requestPersistence()
    // Its own word is replaced (or cleared); a notice something else gave since stays.
    if (entry.torrent !== torrent || entry.notice !== ASKING_TO_KEEP) return
    entry.notice = kept ? null : 'This browser may clear this large download when space runs low: allow this site persistent storage to keep it.'
    this.refresh()
  }

  private halt(entry: Entry): void {
    const torrent = entry.torrent
    entry.torrent = null
    entry.peers = []
    if (torrent && !torrent.destroyed) torrent.destroy({ destroyStore: false })
  }

  private persist(entry: Entry): void {
    if (entry.key.startsWith('local-') || !this.entries.has(entry.key)) return
    const torrent = entry.torrent
    if (torrent?.torrentFile?.length && torrent.info) entry.torrentFile = torrent.torrentFile
    if (torrent?.length) entry.length = entry.sealed ? plainLengthOf(entry.sealed.share) : torrent.length
    saveRecord(toRecord(entry)).then(
      () => {
        if (entry.notice?.startsWith(NOT_REMEMBERED)) entry.notice = null
      },
      (err: Error) => {
        console.warn(`Could not save ${entry.displayName} to the library: ${err.message}`)
        entry.notice = notRemembered(err)
        this.refresh()
      },
    )
  }

  private hookTracker(entry: Entry): void {
    const tracker = entry.torrent?.discovery?.tracker
    if (entry.trackerHooked || !tracker) return
    entry.trackerHooked = true
    // After a tracker restart, be findable again within seconds rather than webtorrent's ~50 s.
    reconnectTrackersPromptly(tracker)
    offerWhileConnecting(tracker)
    tracker.on('update', (data: { complete?: number }) => {
      entry.trackerResponded = true
      if (typeof data.complete === 'number') entry.trackerSeeders = data.complete
      this.refresh()
    })
  }

  /** After a settings change (say, the relay turned on), announce again so new connections use it. */
  private retryUnreachable(): void {
    for (const entry of this.entries.values()) {
      if (entry.torrent && !entry.torrent.done && connectedPeers(entry.torrent) === 0) entry.torrent.discovery?.tracker?.update()
    }
  }

  private async readPeerPaths(): Promise<void> {
    await Promise.all(
      [...this.entries.values()].map(async (entry) => {
        entry.peers = entry.torrent && !entry.torrent.destroyed ? await peerPaths(entry.torrent) : []
      }),
    )
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }

  /**
   * Recomputes the snapshot in a task of its own, once for all the changes of the current one: the
   * page then renders outside webtorrent's work. A torrent's start (metadata, store, tracker offers
   * and the first render in one task) made the longest task while sharing 1 GiB, ~55-75 ms.
   */
  private refresh(): void {
    if (this.refreshPending) return
    this.refreshPending = true
    setTimeout(() => {
      this.refreshPending = false
      this.refreshNow()
    }, 0)
  }

  private refreshNow(): void {
    const nowMs = Date.now()
    // The refresh timer may fire a little early: a sample a few ms short of the period still counts.
    const takeHistorySample = nowMs - this.lastHistorySampleMs >= SPEED_HISTORY_SAMPLE_MS * 0.9
    if (takeHistorySample) this.lastHistorySampleMs = nowMs
    const snapshot = [...this.entries.values()].map((entry) => {
      this.hookTracker(entry)
      sampleSpeed(entry, nowMs, takeHistorySample)
      const torrent = entry.torrent
      const unreachable = Boolean(torrent && !torrent.done && connectedPeers(torrent) === 0 && (entry.trackerSeeders ?? 0) > 0)
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

/**
 * With one peer (most often the sender alone), pieces are taken in order, the cheapest choice. With
 * several, rarest first: receivers then hold different pieces and trade them, which spares the
 * sender's upload (1.3x the file size to four receivers instead of 3.8x, measured).
 */
function choosePieceOrder(torrent: Torrent): void {
  torrent.strategy = connectedPeers(torrent) > 1 ? 'rarest' : 'sequential'
  if (torrent.strategy === 'rarest') rarestFirstOnce((torrent as unknown as { _rarityMap?: Parameters<typeof rarestFirstOnce>[0] })._rarityMap)
}

/** The WebRTC connection (simple-peer) under a wire of the torrent, if it is one. */
function connectionOf(torrent: Torrent, wire: Emitter): Parameters<typeof dropWhenDisconnected>[0] | null {
  const peers = (torrent as unknown as { _peers?: Map<string, { wire: unknown; type: string; conn: unknown }> })._peers
  for (const peer of peers?.values() ?? []) {
    if (peer.wire === wire && peer.type === 'webrtc' && peer.conn) return peer.conn as Parameters<typeof dropWhenDisconnected>[0]
  }
  return null
}

/**
 * A torrent that was never in this browser has nothing in its store, yet webtorrent would check the
 * store piece by piece before downloading. Its "startup bitfield" path trusts an (empty) bitfield
 * instead; the flag it reads is set here, on 'metadata', which webtorrent emits just before verifying.
 */
function skipVerifyingEmptyStore(torrent: Torrent): void {
  ;(torrent as unknown as { _hasStartupBitfield: boolean })._hasStartupBitfield = true
}
