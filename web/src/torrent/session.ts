import type WebTorrent from 'webtorrent/dist/webtorrent.min.js'
import type { Torrent } from 'webtorrent/dist/webtorrent.min.js'
import { DONE_MARK, FIRST_PEER_MARK, parseSecret, type SealedShare } from '@swarmdrop/common'
import {
  adoptTorrent,
  endStreamGrace,
  leftUntilMetadata,
  type EngineTorrent,
  type TrackerClient,
} from '@swarmdrop/engine'
import { pieceHashesOf } from './create/create-torrent'
import { isSealedTorrent } from './content'
import {
  connectedPeers,
  describeTorrentError,
  describeTorrentWarning,
  plainLengthOf,
  toRecord,
  type Entry,
  type FilesKept,
} from './entry'
import { deleteCopy } from './store/share-copies'
import { deleteRecord, deleteSharedFiles, saveRecord, type LibraryRecord, type SealedRecord } from './library'
import type { Keeping } from './keeper'
import type { PeerPath } from './peers'
import { MISSING_KEY_MESSAGE, openPrivateShare } from './private-shares'
import type { Role } from './snapshot'
import type { SourceSpec } from './source'
import { FileChunkStore, type FileStoreOptions } from './store/file-store'
import { deleteStoredBytes, OpfsChunkStore } from './store/opfs-store'
import { isOutOfSpace } from './store/storage-error'
import { requestPersistence } from './store/storage-room'

/**
 * Whole pieces a download keeps in memory for the peers it uploads to (webtorrent's piece cache):
 * each 16 KiB block they ask for would otherwise be a round trip to the store worker. In a swarm
 * of four receivers this took the renderers' CPU from 47 to 40 s and the browser's from 10 to 6 s.
 */
const UPLOAD_CACHE_PIECES = 16
/** From this size a download asks for persistent storage: losing it to an eviction would cost the most. */
const LARGE_DOWNLOAD_BYTES = 1024 ** 3

/** Said by a download held in memory, its store finding the private file system unusable. */
const IN_MEMORY_ONLY =
  'This browser cannot store downloads here (a private window?), so this one is held in memory: a reload starts it again.'
const ASKING_TO_KEEP =
  'A large download: Swarmdrop asks this browser to keep it, rather than clear it when space runs low.'
/** What a torrent says when its library record could not be stored (most often: the browser's storage is full). */
const NOT_REMEMBERED = 'This browser could not remember this torrent'
const notRemembered = (err: Error) =>
  `${NOT_REMEMBERED} (${isOutOfSpace(err) ? 'it ran out of storage space' : err.message}): it works in this tab, but will not be listed after a reload.`

/** What the client does for its sessions. */
export type SessionHost = {
  /** Something a person sees changed. */
  changed(): void
  /**
   * A session learnt its info hash: the session this browser keeps for it (another one that had it
   * first, or this one).
   */
  claim(session: TorrentSession, infoHash: string): TorrentSession
}

/** Said by a share after a reload where the browser kept neither a reference to its files nor a copy. */
const SHARED_WHILE_OPEN = 'Shared while its tab was open. To share again on the same link, drop the same files here.'

/** What webtorrent starts a session from: shared files (hashed already), a .torrent, or only an info hash. */
type Source =
  | { kind: 'seed'; torrentFile: Uint8Array; source: SourceSpec }
  | { kind: 'file'; bytes: Uint8Array }
  | { kind: 'link'; infoHash: string }

export type SessionInit = { role: Role; displayName: string; trackers: string[]; infoHash?: string | null }

let nextId = 1

/**
 * One torrent of this tab, for as long as the tab knows it: its library record, and while it runs,
 * its webtorrent torrent with the listeners and tracker hook of that run. Stopping ends the run and
 * keeps the record; `destroy` ends both and deletes what it stored.
 */
export class TorrentSession implements Entry {
  /** Stable for the session's life, unlike the info hash, which a .torrent file or a share learns later. */
  readonly id = `session-${nextId++}`
  infoHash: string | null
  readonly role: Role
  addedAtMs = Date.now()
  displayName: string
  length: number | null = null
  torrentFile: Uint8Array | null = null
  readonly trackers: string[]
  hashing: Entry['hashing'] = null
  blobs: Blob[] | null = null
  kept: FilesKept | null = null
  sealed: (SealedRecord & { share: SealedShare | null }) | null = null
  keeping: Keeping | null = null
  error: string | null = null
  notice: string | null = null
  stopped = false
  stopReason: string | null = null
  torrent: Torrent | null = null
  trackerResponded = false
  trackerSeeders: number | null = null
  peers: PeerPath[] = []
  unreachableSinceMs: number | null = null
  smoothedSpeed = 0
  speedReadAtMs: number | null = null
  speedHistory: number[] = []
  /** Settles with the info hash the last start found (this session's, or the one it turned out to repeat). */
  identified: Promise<string>
  /** The current run: aborted when it ends, which removes its listeners and silences its callbacks. */
  private run: AbortController | null = null
  private destroyed = false

  constructor(
    private readonly host: SessionHost,
    { role, displayName, trackers, infoHash = null }: SessionInit,
  ) {
    this.role = role
    this.displayName = displayName
    this.trackers = trackers
    this.infoHash = infoHash
    this.identified = infoHash ? Promise.resolve(infoHash) : new Promise<string>(() => {})
  }

  /**
   * A torrent of the library, as it was left. A share comes back with the files the browser kept (a
   * reference, or a copy the person chose); without them it waits for them to be dropped again.
   */
  static fromRecord(
    host: SessionHost,
    record: LibraryRecord,
    kept: { referenced: Blob[] | null; copy: Blob[] | null },
  ): TorrentSession {
    const session = new TorrentSession(host, {
      role: record.role,
      displayName: record.name,
      trackers: record.trackers,
      infoHash: record.infoHash,
    })
    Object.assign(session, {
      addedAtMs: record.addedAtMs,
      length: record.length,
      torrentFile: record.torrentFile,
      blobs: kept.referenced ?? kept.copy,
      stopped: record.stopped,
      stopReason: record.stopReason,
      sealed: record.sealed && { ...record.sealed, share: null },
    })
    const keptUntilMs = record.sealed?.keeper?.untilMs
    if (keptUntilMs && keptUntilMs > Date.now())
      session.keeping = { state: 'checking', progress: 0, untilMs: keptUntilMs, message: null, checkedAtMs: 0 }
    if (record.role === 'sent') {
      session.kept = kept.referenced ? 'reference' : kept.copy ? 'copy' : 'tab'
      if (!session.blobs) Object.assign(session, { stopped: true, stopReason: SHARED_WHILE_OPEN })
    }
    return session
  }

  get running(): boolean {
    return this.run !== null
  }

  /**
   * Starts webtorrent on this session, with the app's trackers besides the link's. `fresh`: nothing of
   * it can be in the store yet, so checking the store piece by piece (~0.6 s per 100 MB) is skipped.
   */
  start(client: WebTorrent, appTrackers: string[], { fresh }: { fresh: boolean }): void {
    if (this.destroyed) return
    this.end()
    const run = new AbortController()
    this.run = run
    const source = this.source()
    const announce = [...new Set([...appTrackers, ...this.trackers])]
    const onMemoryOnly = () => this.say(run, () => (this.notice = IN_MEMORY_ONLY))
    let torrent: Torrent
    if (source.kind === 'seed') {
      const storeOpts: FileStoreOptions = {
        source: source.source,
        // A private share's pieces are checked before they are served (see FileStoreOptions).
        ...(source.source.kind === 'sealed' ? { pieceHashes: pieceHashesOf(source.torrentFile) } : {}),
        onReadError: (err) => {
          // A read still in flight for a run already ended (the files dropped again) is not news.
          this.say(
            run,
            () =>
              (this.error ??= `The shared files cannot be read any more (${err.message}): they were moved, changed or deleted. Drop them again to keep sharing.`),
          )
        },
      }
      // The pieces were just hashed from these files, so every piece is known to be present. Their
      // store keeps whole windows already: no piece cache in front of it.
      torrent = client.add(source.torrentFile, {
        announce,
        store: FileChunkStore,
        storeOpts,
        storeCacheSlots: 0,
        skipVerify: true,
      })
    } else {
      const download = {
        announce,
        store: OpfsChunkStore,
        storeOpts: { onMemoryOnly },
        storeCacheSlots: UPLOAD_CACHE_PIECES,
      }
      torrent = client.add(source.kind === 'file' ? source.bytes : source.infoHash, {
        ...download,
        // A leecher, not a seeder, to trackers until the size is known ("the sender is offline" needs it).
        getAnnounceOpts: () => leftUntilMetadata(torrent),
      })
    }
    this.torrent = torrent
    Object.assign(this, { trackerResponded: false, trackerSeeders: null, unreachableSinceMs: null })
    adoptTorrent(torrent as unknown as EngineTorrent, {
      runtime: 'browser',
      fresh: fresh && source.kind !== 'seed',
      onTrackerClient: (tracker) => this.watchTracker(run, tracker),
    })
    const identified = Promise.withResolvers<string>()
    // The error also shows on the session; a caller that stopped waiting must not see an unhandled rejection.
    identified.promise.catch(() => {})
    this.identified = identified.promise
    const on = (event: string, listener: (...args: never[]) => void) => {
      torrent.on(event, listener)
      run.signal.addEventListener('abort', () => torrent.off(event, listener))
    }

    on('infoHash', () => {
      const owner = this.host.claim(this, torrent.infoHash)
      identified.resolve(torrent.infoHash)
      // The same torrent twice: the one already here stays.
      if (owner !== this) return void this.destroy()
      this.infoHash = torrent.infoHash
      this.persist()
      this.host.changed()
    })
    on('metadata', () => {
      if (fresh && source.kind !== 'seed') void this.keepLargeDownload(run, torrent)
      this.persist()
      // The name, size and files to show (and to play) are known now, not at the next refresh.
      this.host.changed()
    })
    on('ready', () => {
      this.openSealed(run, torrent)
      this.host.changed()
    })
    on('done', () => {
      performance.mark(DONE_MARK, { detail: torrent.infoHash })
      // The tracker's seeder count so far did not include this tab: until it answers the 'completed'
      // announce webtorrent sends now, the count says nothing about who else has the whole file.
      this.trackerSeeders = null
      this.host.changed()
    })
    on('wire', (wire: { once(event: 'close', listener: () => void): unknown }) => {
      if (connectedPeers(torrent) === 1) performance.mark(FIRST_PEER_MARK, { detail: torrent.infoHash })
      wire.once('close', () => this.host.changed())
      this.host.changed()
    })
    on('trackerAnnounce', () => {
      this.trackerResponded = true
      this.host.changed()
    })
    on('warning', (err: unknown) => {
      const message = describeTorrentWarning(err)
      if (message) this.say(run, () => (this.notice = message))
    })
    on('error', (err: unknown) => {
      const { message, outOfSpace } = describeTorrentError(err)
      this.end()
      this.hashing = null
      if (outOfSpace && this.infoHash) {
        // Out of space stops this torrent and keeps what it has; everything else goes on.
        this.stopped = true
        this.stopReason = message
        this.persist()
      } else {
        this.error = message
      }
      identified.reject(new Error(message))
      this.host.changed()
    })
  }

  /** Seeds files just hashed (a new share, or the same files dropped again), and remembers them. */
  seed(
    client: WebTorrent,
    appTrackers: string[],
    hashed: Pick<Entry, 'torrentFile' | 'length' | 'blobs' | 'sealed'> & { infoHash: string },
  ): void {
    Object.assign(this, { ...hashed, hashing: null, error: null, stopped: false, stopReason: null })
    this.start(client, appTrackers, { fresh: true })
    this.persist()
  }

  /** Stops sharing or downloading; the record and the stored pieces stay, to resume. */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    this.end()
    this.persist()
  }

  /** Starts again after a stop (or, with `afterError`, after an error). */
  resume(client: WebTorrent, appTrackers: string[], { afterError = false } = {}): void {
    if (!(this.stopped || afterError) || (this.role === 'sent' && !this.blobs)) return
    Object.assign(this, { stopped: false, stopReason: null, error: null })
    this.start(client, appTrackers, { fresh: false })
    this.persist()
  }

  /** Ends the current run, if any: the webtorrent torrent goes, its stored pieces stay. */
  end(): void {
    const torrent = this.detach()
    if (torrent && !torrent.destroyed) torrent.destroy({ destroyStore: false })
  }

  /** Ends the session for good and deletes what it stored (pieces, record, kept files). Idempotent. */
  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    const torrent = this.detach()
    const infoHash = this.infoHash
    // Not known by its info hash yet (or a repeat of one kept here): nothing stored is its own.
    if (!infoHash) return void (torrent && !torrent.destroyed && torrent.destroy({ destroyStore: false }))
    if (torrent && !torrent.destroyed)
      await new Promise<void>((resolve) => torrent.destroy({ destroyStore: true }, () => resolve()))
    else if (this.role === 'received')
      await deleteStoredBytes(infoHash).catch((err: Error) =>
        console.warn(`Could not delete the data of ${this.displayName}: ${err.message}`),
      )
    if (this.kept === 'reference') await deleteSharedFiles(infoHash)
    if (this.kept === 'copy') await deleteCopy(infoHash)
    await deleteRecord(infoHash)
  }

  /** Stores the library record, once the info hash is known; a failure is said on the torrent. */
  persist(): void {
    const infoHash = this.infoHash
    if (!infoHash || this.destroyed) return
    const torrent = this.torrent
    if (torrent?.torrentFile?.length && torrent.info) this.torrentFile = torrent.torrentFile
    if (torrent?.length) this.length = this.sealed ? plainLengthOf(this.sealed.share) : torrent.length
    saveRecord(toRecord({ ...this, infoHash })).then(
      () => {
        if (this.notice?.startsWith(NOT_REMEMBERED)) this.notice = null
      },
      (err: Error) => {
        console.warn(`Could not save ${this.displayName} to the library: ${err.message}`)
        this.notice = notRemembered(err)
        this.host.changed()
      },
    )
  }

  /** Ends the current run (its listeners go, its callbacks fall silent) and hands back its torrent. */
  private detach(): Torrent | null {
    const torrent = this.torrent
    this.run?.abort()
    this.run = null
    this.torrent = null
    this.peers = []
    return torrent
  }

  private source(): Source {
    if (this.blobs && this.torrentFile) {
      const sender = this.sealed?.sender
      const secret = this.sealed && parseSecret(this.sealed.secret)
      const source: SourceSpec =
        sender && secret?.ok
          ? { kind: 'sealed', spec: { secret: secret.value, ...sender, blobs: this.blobs } }
          : { kind: 'plain', blobs: this.blobs }
      return { kind: 'seed', torrentFile: this.torrentFile, source }
    }
    if (this.torrentFile) return { kind: 'file', bytes: this.torrentFile }
    return { kind: 'link', infoHash: this.infoHash! }
  }

  /** Reads the seeder count the tracker answers with: it tells "sender offline" from "connecting to the sender". */
  private watchTracker(run: AbortController, tracker: TrackerClient): void {
    const onUpdate = (data: { complete?: number }) => {
      this.trackerResponded = true
      if (typeof data.complete === 'number') this.trackerSeeders = data.complete
      this.host.changed()
    }
    tracker.on('update', onUpdate)
    run.signal.addEventListener('abort', () =>
      (tracker as TrackerClient & { off(event: string, listener: unknown): unknown }).off('update', onUpdate),
    )
  }

  /**
   * A private share's file list and keys come from its first records, which are fetched first. A
   * share opened without its key, or with a wrong one, stops and says so; nothing else is affected.
   */
  private openSealed(run: AbortController, torrent: Torrent): void {
    if (!isSealedTorrent(torrent) || this.sealed?.share) return
    void openPrivateShare(this, torrent).then((opened) => {
      if (run.signal.aborted) return
      if (!opened.ok || !this.sealed) {
        this.error = opened.ok ? MISSING_KEY_MESSAGE : opened.error
        this.end()
      } else {
        this.sealed.share = opened.value
        // Reading the manifest was no player's stream: the download goes on at full pipelines.
        endStreamGrace(torrent)
        this.persist()
      }
      this.host.changed()
    })
  }

  /**
   * A large download asks the browser to keep its storage rather than clear it when space runs low,
   * saying so first, as Firefox asks the person at once. (One that cannot fit at all is refused by its
   * store before its first byte: see opfs-worker.)
   */
  private async keepLargeDownload(run: AbortController, torrent: Torrent): Promise<void> {
    if (torrent.length < LARGE_DOWNLOAD_BYTES) return
    this.notice ??= ASKING_TO_KEEP
    this.host.changed()
    const kept = await requestPersistence()
    // Its own word is replaced (or cleared); a notice something else gave since stays.
    if (run.signal.aborted || this.notice !== ASKING_TO_KEEP) return
    this.notice = kept
      ? null
      : 'This browser may clear this large download when space runs low: allow this site persistent storage to keep it.'
    this.host.changed()
  }

  /** Changes what the session says, unless the run it belongs to has ended. */
  private say(run: AbortController, change: () => void): void {
    if (run.signal.aborted) return
    change()
    this.host.changed()
  }
}
