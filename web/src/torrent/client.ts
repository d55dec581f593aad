import type WebTorrent from 'webtorrent/dist/webtorrent.min.js'
import type { Torrent } from 'webtorrent/dist/webtorrent.min.js'
import { encodeSecret, randomKeeperSecret, randomSalt, randomSecret, type TorrentLink } from '@swarmdrop/common'
import {
  engineReport,
  onEngineReport,
  selectForStream,
  watchingWhileDownloading,
  webrtcConnections,
} from '@swarmdrop/engine'
import { getSettings, subscribeToSettings } from '../settings'
import { defaultTrackers, loadClientConfig } from './config'
import { publicContent, sealedContent } from './create/content'
import { createTorrent, type CreatedTorrent } from './create/create-torrent'
import { planLayout } from './create/layout'
import { isSealedTorrent, publicFiles, sealedFiles, type ContentFile } from './content'
import { sealedTwinOf } from './private-shares'
import { connectedPeers, sampleSpeed, SPEED_HISTORY_SAMPLE_MS, toSnapshot } from './entry'
import { canRead } from './store/file-store'
import { isOutOfSpace } from './store/storage-error'
import { deleteCopy, loadCopies, storeCopy } from './store/share-copies'
import { requestPersistence, storageFree } from './store/storage-room'
import { formatBytes } from '../format'
import { askToKeep, keptStatus, stopKeeping } from './keeper'
import { keepsFileReferences, loadLibrary, loadSharedFiles, saveSharedFiles, type LibraryRecord } from './library'
import { peerPaths } from './peers'
import { RelayConfig, type RelayState } from './relay'
import { TorrentSession, type SessionInit } from './session'
import type { ShareInput } from './share-input'
import type { TorrentSnapshot } from './snapshot'
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
/** The end of a playing video or audio file, fetched early (see fetchEndEarly): its index, in a piece or two. */
const MEDIA_TAIL_BYTES = 1024 * 1024
/** How often a share's keeper is asked how far it is, while it takes the share; once it has it, every minute. */
const KEEPER_POLL_MS = 2_000
const KEEPER_KEPT_POLL_MS = 60_000
/** Where the engine reports what it applied to webtorrent (and what it had to skip), for tests and the curious. */
export const ENGINE_MARK = 'swarmdrop:engine'

type Started = { client: WebTorrent; trackers: string[] }

/**
 * Every torrent of this browser, a TorrentSession each, and the one webtorrent client behind them.
 * Torrents are remembered in the library (IndexedDB), downloads' bytes in the private file system and
 * shared files by reference, so a reload starts them again. React reads this through
 * `subscribe`/`getSnapshot`; nothing else touches webtorrent. Torrents are named by their session's
 * id (`TorrentSnapshot.id`).
 */
export class TorrentClient {
  private started: Promise<Started> | null = null
  private client: WebTorrent | null = null
  private trackers: string[] = []
  private streaming: Promise<StreamSupport> | null = null
  private readonly relay = new RelayConfig(() => this.notify())
  private relayLoaded: Promise<void> | null = null
  private readonly sessions = new Map<string, TorrentSession>()
  /** Links being opened, so two quick opens of one link (a double click) join one torrent. */
  private readonly opening = new Map<string, Promise<string>>()
  private readonly listeners = new Set<() => void>()
  private readonly unsubscribers: Array<() => void> = []
  private snapshot: readonly TorrentSnapshot[] = []
  private snapshotJson = '[]'
  private timers: Array<ReturnType<typeof setInterval>> = []
  private refreshPending = false
  private lastHistorySampleMs = 0
  private destroyed = false
  /** What sessions ask of the client. */
  private readonly host = {
    changed: () => this.refresh(),
    claim: (session: TorrentSession, infoHash: string): TorrentSession => {
      const owner = this.byInfoHash(infoHash)
      if (owner && owner !== session) this.sessions.delete(session.id)
      return owner ?? session
    },
  }

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
    const { client } = await this.start()
    const layout = planLayout(inputs, name)
    if (!layout.ok) throw new Error(layout.error)
    let content = privately ? sealedContent(layout.value, randomSecret(), randomSalt()) : publicContent(layout.value)
    // The same names and sizes as a private share already here: sealed with its key and salt, the
    // same files make the same torrent (as a public torrent's would), which is then kept.
    const twin =
      content.source.kind === 'sealed' ? sealedTwinOf(this.sessions.values(), content.source.spec.manifest) : null
    if (twin) content = sealedContent(layout.value, twin.secret, twin.salt)
    const { length } = content
    const session = this.add({ role: 'sent', displayName: layout.value.name, trackers: [] })
    session.hashing = { done: 0, total: length }
    this.refresh()
    let created: CreatedTorrent
    try {
      // Each finished job (16 MiB) moves the bar at once: a whole share can take less than one refresh.
      const onProgress = (done: number) => {
        session.hashing = { done, total: length }
        this.refresh()
      }
      // A private share's .torrent carries no creation date either: nothing but its size bucket.
      const create = () =>
        createTorrent(content, { announce: this.trackers, onProgress, createdAtS: privately ? null : undefined })
      created = await create()
      if (twin && created.infoHash !== twin.infoHash) {
        // Other bytes under the twin's key and nonces must never be served (two ciphertexts of one
        // nonce give away the XOR of their plaintexts): seal them afresh.
        content = sealedContent(layout.value, randomSecret(), randomSalt())
        created = await create()
      }
    } catch (err) {
      session.hashing = null
      session.error = (err as Error).message
      this.refresh()
      throw err
    }
    const blobs = layout.value.files.map((file) => file.blob)
    const existing = this.byInfoHash(created.infoHash)
    // The same files again: keep the session, and serve from these files if the earlier ones can no
    // longer be read (a failure may not have shown yet: nobody asked for a piece since a reload).
    if (existing?.running && !existing.error && (!existing.blobs || (await canRead(existing.blobs)))) {
      this.sessions.delete(session.id)
      return created.infoHash
    }
    const target = existing ?? session
    if (existing) {
      this.sessions.delete(session.id)
      existing.end()
    }
    const spec = content.source.kind === 'sealed' ? content.source.spec : null
    const sealed = spec
      ? {
          secret: encodeSecret(spec.secret),
          sender: { salt: spec.salt, manifest: spec.manifest },
          // Made now, kept in this browser's library only: what lets it alone ask the server to keep the share.
          keeper: target.sealed?.keeper ?? { secret: randomKeeperSecret(), untilMs: null },
          share: null,
        }
      : null
    target.seed(client, this.trackers, {
      infoHash: created.infoHash,
      torrentFile: created.torrentFile,
      length,
      blobs,
      sealed,
    })
    // Where the browser would store a copy of the files rather than a reference, nothing is stored
    // unless the person asks (keepCopy).
    target.kept = keepsFileReferences() ? 'reference' : target.kept === 'copy' ? 'copy' : 'tab'
    if (target.kept === 'reference') {
      saveSharedFiles(created.infoHash, blobs).catch((err: Error) => {
        target.kept = 'tab'
        target.notice = `This browser could not keep a reference to the files (${err.message}), so sharing stops when this tab closes.`
        this.refresh()
      })
    }
    return created.infoHash
  }

  /**
   * Stores a copy of a share's files, so it goes on after a reload, in a browser that keeps no
   * reference to a picked file. Checks the room first, and asks the browser to keep the storage.
   */
  async keepCopy(id: string): Promise<void> {
    const session = this.sessions.get(id)
    if (!session?.blobs || !session.infoHash || session.kept !== 'tab') return
    const { infoHash, blobs } = session
    const size = blobs.reduce((sum, blob) => sum + blob.size, 0)
    const free = await storageFree()
    if (free !== null && free < size) {
      throw new Error(
        `There is not enough room for a copy: it needs ${formatBytes(size)}, and this browser has ${formatBytes(free)} left for Swarmdrop. The share goes on while this tab is open.`,
      )
    }
    session.kept = 'copying'
    this.refresh()
    // Firefox asks the person about persistent storage; the copy need not wait for the answer.
    void requestPersistence()
    try {
      await storeCopy(infoHash, blobs)
      if (this.sessions.get(id) === session) session.kept = 'copy'
      else await deleteCopy(infoHash)
    } catch (err) {
      session.kept = 'tab'
      const message = isOutOfSpace(err)
        ? 'This browser ran out of storage space for the copy.'
        : `The copy could not be stored (${(err as Error).message}).`
      throw new Error(`${message} The share goes on while this tab is open.`, { cause: err })
    } finally {
      this.refresh()
    }
  }

  /** Deletes a share's stored copy: it goes on in this tab, and ends with it. */
  async dropCopy(id: string): Promise<void> {
    const session = this.sessions.get(id)
    if (session?.kept !== 'copy' || !session.infoHash) return
    session.kept = 'tab'
    await deleteCopy(session.infoHash)
    this.refresh()
  }

  /**
   * Asks the server's keeper to seed a private share for `hours` after this tab closes (or, when it
   * keeps it already, to keep it that long from now). Only this browser holds what proves it asked.
   */
  async keepOnServer(id: string, hours: number): Promise<void> {
    const session = this.sessions.get(id)
    const keeper = session?.sealed?.keeper
    const length = session?.torrent?.length
    if (!session?.infoHash || !keeper || !length) throw new Error('This share is not ready to be kept yet.')
    const { infoHash } = session
    session.keeping = { state: 'asking', progress: 0, untilMs: null, message: null, checkedAtMs: Date.now() }
    this.refresh()
    this.applyKeeperAnswer(session, await askToKeep(infoHash, length, hours, keeper.secret))
  }

  /** Withdraws a share from the server's keeper: it deletes its copy, and the share lives on in this tab only. */
  async stopKeepingOnServer(id: string): Promise<void> {
    const session = this.sessions.get(id)
    const keeper = session?.sealed?.keeper
    if (!session?.infoHash || !keeper) return
    const refusal = await stopKeeping(session.infoHash, keeper.secret)
    if (refusal) throw new Error(refusal.error)
    session.keeping = null
    keeper.untilMs = null
    session.persist()
    this.refresh()
  }

  /** Asks the keeper how far it is with each share it takes, and now and then whether it still keeps the others. */
  private checkKeepers(): void {
    const now = Date.now()
    for (const session of this.sessions.values()) {
      const { keeping, infoHash } = session
      const secret = session.sealed?.keeper?.secret
      if (!keeping || !infoHash || !secret || keeping.state === 'asking' || keeping.state === 'refused') continue
      const due = keeping.state === 'kept' ? KEEPER_KEPT_POLL_MS : KEEPER_POLL_MS
      if (now - keeping.checkedAtMs < due) continue
      keeping.checkedAtMs = now
      void keptStatus(infoHash, secret).then((answer) => {
        // A server out of reach for a moment says nothing new about the share.
        if (!('reason' in answer && answer.reason === 'off') && session.keeping === keeping)
          this.applyKeeperAnswer(session, answer)
      })
    }
  }

  private applyKeeperAnswer(session: TorrentSession, answer: Awaited<ReturnType<typeof keptStatus>>): void {
    const keeper = session.sealed?.keeper
    if (!keeper || 'withdrawn' in answer) return
    const checkedAtMs = Date.now()
    const before = keeper.untilMs
    if ('reason' in answer) {
      const expired = answer.reason === 'not-found' && session.keeping?.state !== 'asking'
      session.keeping = {
        state: 'refused',
        progress: 0,
        untilMs: null,
        message: expired ? 'The server no longer keeps this share: its time ran out.' : answer.error,
        checkedAtMs,
      }
      keeper.untilMs = null
    } else {
      const { state, progress, expiresAtMs: untilMs } = answer
      session.keeping = { state, progress, untilMs, message: null, checkedAtMs }
      keeper.untilMs = answer.expiresAtMs
    }
    if (keeper.untilMs !== before) session.persist()
    this.refresh()
  }

  /** Joins the swarm of a link or a .torrent file. Resolves with the info hash. */
  async open(source: TorrentLink | Uint8Array): Promise<string> {
    const { client } = await this.start()
    if (source instanceof Uint8Array) {
      const session = this.add({ role: 'received', displayName: 'Reading .torrent file', trackers: [] })
      session.torrentFile = source
      session.start(client, this.trackers, { fresh: true })
      return session.identified
    }
    const existing = this.byInfoHash(source.infoHash)
    if (existing) {
      // A share that did not open (no key, or a wrong one) opened again with another key: try that.
      if (
        source.secret &&
        existing.role === 'received' &&
        !existing.sealed?.share &&
        existing.sealed?.secret !== source.secret
      ) {
        existing.sealed = { secret: source.secret, sender: null, keeper: null, share: null }
        if (!existing.running) existing.resume(client, this.trackers, { afterError: true })
      }
      return source.infoHash
    }
    let opening = this.opening.get(source.infoHash)
    if (!opening) {
      const displayName = source.secret ? 'Private share' : (source.name ?? 'Waiting for file details')
      const session = this.add({ role: 'received', displayName, trackers: source.trackers, infoHash: source.infoHash })
      if (source.secret) session.sealed = { secret: source.secret, sender: null, keeper: null, share: null }
      session.start(client, this.trackers, { fresh: true })
      opening = session.identified.finally(() => this.opening.delete(source.infoHash))
      this.opening.set(source.infoHash, opening)
    }
    return opening
  }

  /** Stops sharing or downloading; the torrent and its pieces stay for `resume`. */
  stop(id: string): void {
    this.sessions.get(id)?.stop()
    this.refresh()
  }

  resume(id: string): void {
    if (!this.client) return
    this.sessions.get(id)?.resume(this.client, this.trackers)
    this.refresh()
  }

  /** Stops and forgets a torrent, and deletes its stored pieces. */
  async remove(id: string): Promise<void> {
    const session = this.sessions.get(id)
    if (!session) return
    // Nothing could withdraw it from the server once its secret is forgotten: it goes with the share.
    const keeper = session.sealed?.keeper
    if (session.infoHash && keeper && session.keeping && session.keeping.state !== 'refused')
      void stopKeeping(session.infoHash, keeper.secret)
    this.sessions.delete(id)
    this.refresh()
    await session.destroy()
  }

  getTorrent(id: string): Torrent | undefined {
    const torrent = this.sessions.get(id)?.torrent
    return torrent && !torrent.destroyed ? torrent : undefined
  }

  /** The files as the person sees them (a private share's decrypted), while the torrent runs. */
  contentFiles(id: string): ContentFile[] {
    const session = this.sessions.get(id)
    const torrent = this.getTorrent(id)
    if (!session || !torrent?.files?.length) return []
    if (session.sealed?.share) {
      return sealedFiles(torrent, session.sealed.share, (path, err) => {
        session.notice = `“${path}” failed its integrity check (${err.message}): its data was damaged or changed on the way, so it stopped. Delete this download and open the link again.`
        this.refresh()
      })
    }
    return isSealedTorrent(torrent) ? [] : publicFiles(torrent)
  }

  /** The name a saved zip or .torrent takes. */
  displayName(id: string): string {
    return this.snapshot.find((torrent) => torrent.id === id)?.name ?? 'download'
  }

  /** Whether files can be played while they download (through the service worker). */
  async streamSupport(): Promise<StreamSupport> {
    await this.start()
    return this.streaming ?? { ok: false, reason: 'The torrent client was shut down.' }
  }

  /** The URL media elements and previews load a file from while it downloads. */
  async streamUrl(id: string, index: number): Promise<string> {
    const support = await this.streamSupport()
    if (!support.ok) throw new Error(support.reason)
    const torrent = this.getTorrent(id)
    if (torrent && !torrent.done) watchingWhileDownloading(torrent)
    const session = this.sessions.get(id)
    if (session?.sealed) {
      if (!this.contentFiles(id)[index] || !session.infoHash) throw new Error('This file is no longer available.')
      return sealedStreamUrl(session.infoHash, index)
    }
    const file = this.getTorrent(id)?.files[index]
    if (!file) throw new Error('This file is no longer available.')
    return file.streamURL
  }

  /**
   * Fetches the end of a playing video or audio file alongside the part that plays next: players
   * read it before they can seek (WebM's index of key frames, an MP4's when it is not at the front),
   * so a seek then waits for no peer. Called once playback has started, which it does not delay.
   */
  fetchEndEarly(id: string, index: number): void {
    const torrent = this.getTorrent(id)
    const file = this.contentFiles(id)[index]
    if (!torrent || !file || torrent.done || file.length === 0) return
    const { start, end } = file.tailRange(MEDIA_TAIL_BYTES)
    const pieceOf = (byte: number) => Math.floor(byte / torrent.pieceLength)
    selectForStream(torrent, pieceOf(start), pieceOf(end))
  }

  /** Without a service worker: the whole file as a blob URL, once it has downloaded. Revoke it after use. */
  async blobUrl(id: string, index: number): Promise<string> {
    const file = this.contentFiles(id)[index]
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
    this.sessions.clear()
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
      const copies = library.some((record) => record.role === 'sent' && !sharedFiles.has(record.infoHash))
        ? await loadCopies()
        : new Map<string, Blob[]>()
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
        onEngineReport((report) => performance.mark(ENGINE_MARK, { detail: report })),
      )
      performance.mark(ENGINE_MARK, { detail: engineReport() })
      // The streaming worker installs while peers are found, so a first visit's player need not wait.
      this.streaming = startStreamServer(client, (infoHash, index) => {
        const session = this.byInfoHash(infoHash)
        return session ? (this.contentFiles(session.id)[index] ?? null) : null
      })
      this.timers.push(setInterval(() => this.refresh(), SNAPSHOT_INTERVAL_MS))
      this.timers.push(setInterval(() => void this.readPeerPaths(), PEER_PATHS_INTERVAL_MS))
      this.timers.push(setInterval(() => this.checkKeepers(), KEEPER_POLL_MS))
      for (const record of library)
        this.restoreRecord(
          client,
          record,
          sharedFiles.get(record.infoHash) ?? null,
          copies.get(record.infoHash) ?? null,
        )
      // A copy left by a share deleted in a tab that closed before it finished.
      for (const infoHash of copies.keys()) if (!this.byInfoHash(infoHash)) void deleteCopy(infoHash)
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
      throw new Error(
        `Part of Swarmdrop could not be loaded (${err.message}). Check your connection and reload the page.`,
      )
    })
  }

  private restoreRecord(
    client: WebTorrent,
    record: LibraryRecord,
    referenced: Blob[] | null,
    copy: Blob[] | null,
  ): void {
    if (this.byInfoHash(record.infoHash)) return
    const session = TorrentSession.fromRecord(this.host, record, { referenced, copy })
    this.sessions.set(session.id, session)
    if (!session.stopped) session.start(client, this.trackers, { fresh: false })
    this.refresh()
  }

  private add(init: SessionInit): TorrentSession {
    const session = new TorrentSession(this.host, init)
    this.sessions.set(session.id, session)
    return session
  }

  private byInfoHash(infoHash: string): TorrentSession | undefined {
    for (const session of this.sessions.values()) if (session.infoHash === infoHash) return session
    return undefined
  }

  /** After a settings change (say, the relay turned on), announce again so new connections use it. */
  private retryUnreachable(): void {
    for (const { torrent } of this.sessions.values()) {
      if (torrent && !torrent.done && connectedPeers(torrent) === 0) torrent.discovery?.tracker?.update()
    }
  }

  private async readPeerPaths(): Promise<void> {
    await Promise.all(
      [...this.sessions.values()].map(async (session) => {
        session.peers =
          session.torrent && !session.torrent.destroyed ? await peerPaths(webrtcConnections(session.torrent)) : []
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
    const snapshot = [...this.sessions.values()].map((session) => {
      sampleSpeed(session, nowMs, takeHistorySample)
      const torrent = session.torrent
      const unreachable = Boolean(
        torrent && !torrent.done && connectedPeers(torrent) === 0 && (session.trackerSeeders ?? 0) > 0,
      )
      session.unreachableSinceMs = unreachable ? (session.unreachableSinceMs ?? nowMs) : null
      return toSnapshot(session, nowMs)
    })
    const json = JSON.stringify(snapshot)
    if (json === this.snapshotJson) return
    this.snapshotJson = json
    this.snapshot = snapshot
    this.notify()
  }
}
