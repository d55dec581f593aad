import type { SealedShare } from '@swarmdrop/common'
import { connectedPeerCount } from '@swarmdrop/engine'
import type { Torrent, TorrentFile } from 'webtorrent/dist/webtorrent.min.js'
import { isSealedTorrent, sealedFileProgress, sealedPath } from './content'
import type { Keeping } from './keeper'
import type { LibraryRecord, SealedRecord } from './library'
import type { PeerPath } from './peers'
import { foldPieces } from './piece-map'
import type { Role, TorrentSnapshot } from './snapshot'
import { deriveStatus } from './status'
import { formatBytes } from '../format'
import type { NotEnoughRoom } from './store/opfs-worker'
import { asError, isOutOfSpace, OUT_OF_SPACE_MESSAGE } from './store/storage-error'

/**
 * How a shared torrent's files outlive a reload: the browser keeps a reference to them (Chromium),
 * a copy the person chose to store (being stored: 'copying'), or nothing, so sharing ends with the tab.
 */
export type FilesKept = 'reference' | 'copy' | 'copying' | 'tab'

/** After this long knowing the sender exists but reaching no peer, suggest the relay. */
const CANNOT_CONNECT_AFTER_MS = 15_000

/** One torrent of this tab: running (with a webtorrent torrent) or stopped (only its library record). */
export type Entry = {
  /** Stable while the tab knows the torrent. */
  id: string
  /** Known from the link, or once a .torrent file is read or shared files are hashed. */
  infoHash: string | null
  role: Role
  addedAtMs: number
  torrent: Torrent | null
  displayName: string
  /** Total size once known; kept for stopped torrents. */
  length: number | null
  torrentFile: Uint8Array | null
  /** Trackers named by the link, beyond the app's own. */
  trackers: string[]
  hashing: { done: number; total: number } | null
  /** The files this browser shares them from (a shared torrent), else null. */
  blobs: Blob[] | null
  /** How a shared torrent's files outlive a reload (see FilesKept); null for a download. */
  kept: FilesKept | null
  /** A private share: its key and (the sender's) what seals it, plus what is inside once opened. */
  sealed: (SealedRecord & { share: SealedShare | null }) | null
  /** What the server's keeper does with this private share (its sender's only), or null when it was not asked. */
  keeping: Keeping | null
  error: string | null
  /** Something to know that is not an error (say, the share will not survive closing the tab). */
  notice: string | null
  stopped: boolean
  stopReason: string | null
  trackerResponded: boolean
  trackerSeeders: number | null
  peers: PeerPath[]
  /** Since when the tracker knows a seeder but no peer is connected, or null. */
  unreachableSinceMs: number | null
  /** Download speed smoothed over the last few seconds, so the time left does not jump around. */
  smoothedSpeed: number
  /** When the smoothed speed last took a reading, or null before the first. */
  speedReadAtMs: number | null
  /** Combined transfer speed, one sample a second, newest last (for the sparkline). */
  speedHistory: number[]
}

/**
 * How fast the smoothed speed follows the measured one: it moves 63 % of the way in this time,
 * however often it is read (snapshots come every second, and at once on events such as a new peer).
 */
const SPEED_SMOOTHING_MS = 2_500
const SPEED_HISTORY_SAMPLES = 60
/** How often the speed history takes a sample (its samples span a minute). */
export const SPEED_HISTORY_SAMPLE_MS = 1_000

/** Updates the smoothed speed and, once a second, the speed history. */
export function sampleSpeed(entry: Entry, nowMs: number, takeHistorySample: boolean): void {
  const torrent = entry.torrent
  const download = torrent?.downloadSpeed ?? 0
  // The first reading, and any while the smoothed speed is still 0, is taken as it is.
  const weight =
    entry.speedReadAtMs === null || entry.smoothedSpeed === 0
      ? 1
      : 1 - Math.exp(-Math.max(nowMs - entry.speedReadAtMs, 0) / SPEED_SMOOTHING_MS)
  entry.speedReadAtMs = nowMs
  entry.smoothedSpeed += weight * (download - entry.smoothedSpeed)
  if (takeHistorySample) {
    entry.speedHistory = [...entry.speedHistory, Math.round(download + (torrent?.uploadSpeed ?? 0))].slice(
      -SPEED_HISTORY_SAMPLES,
    )
  }
}

/** Milliseconds left at the smoothed speed, or null when unknown. */
export function timeRemainingMs(entry: Entry): number | null {
  const torrent = entry.torrent
  if (!torrent || torrent.done || !torrent.length || entry.smoothedSpeed < 1) return null
  return Math.round(((torrent.length - (torrent.downloaded ?? 0)) / entry.smoothedSpeed) * 1000)
}

/** The library record of an entry whose info hash is known. */
export function toRecord(entry: Entry & { infoHash: string }): LibraryRecord {
  return {
    infoHash: entry.infoHash,
    name: nameOf(entry),
    role: entry.role,
    addedAtMs: entry.addedAtMs,
    length: entry.length,
    torrentFile: entry.torrentFile,
    trackers: entry.trackers,
    stopped: entry.stopped,
    stopReason: entry.stopReason,
    sealed: entry.sealed && { secret: entry.sealed.secret, sender: entry.sealed.sender, keeper: entry.sealed.keeper },
  }
}

/** A private share's name is inside it; until it is opened the torrent's own name says nothing. */
function nameOf({ torrent, sealed, displayName }: Entry): string {
  if (sealed) return sealed.share?.manifest.name ?? displayName
  return torrent?.name || displayName
}

/** A private share's size in plain bytes, once its manifest is open (its torrent's records are padded). */
export const plainLengthOf = (share: SealedShare | null): number | null =>
  share?.manifest.files.reduce((sum, file) => sum + file.length, 0) ?? null

/**
 * Peers with an established connection, each counted once however many connections lead to it;
 * webtorrent's numPeers also counts attempts in progress.
 */
export const connectedPeers = (torrent: Torrent | null): number => (torrent ? connectedPeerCount(torrent) : 0)

/**
 * Whether this tab alone has the whole torrent: it has it, the tracker counts no other seeder, and
 * no connected peer has every piece (the tracker hears of a peer that finished only at its next
 * announce, and this tab of it only at its own).
 */
function isOnlySeeder({ torrent, trackerSeeders }: Entry): boolean {
  if (!torrent?.done || trackerSeeders === null || trackerSeeders > 1) return false
  return !torrent.wires.some((wire) => (wire as { isSeeder?: boolean }).isSeeder)
}

export function toSnapshot(entry: Entry, nowMs: number): TorrentSnapshot {
  const { torrent } = entry
  const share = entry.sealed?.share ?? null
  const sealedTorrent = Boolean(torrent?.files?.length && isSealedTorrent(torrent))
  // A private share's files are known once its manifest is open, not with the torrent's metadata.
  const hasMetadata = sealedTorrent
    ? share !== null
    : Boolean(torrent && (torrent.ready || (torrent.files?.length ?? 0) > 0))
  const plainLength = plainLengthOf(share)
  const progress = !torrent ? 0 : torrent.done ? 1 : (torrent.progress ?? 0)
  const hashingProgress = entry.hashing
    ? entry.hashing.total > 0
      ? entry.hashing.done / entry.hashing.total
      : 0
    : null
  const status = deriveStatus({
    role: entry.role,
    hashing: entry.hashing !== null,
    error: entry.error,
    stopped: entry.stopped,
    trackerResponded: entry.trackerResponded,
    trackerSeeders: entry.trackerSeeders,
    hasMetadata,
    done: torrent?.done ?? false,
    numPeers: connectedPeers(torrent),
    downloadSpeed: torrent?.downloadSpeed ?? 0,
  })
  const bitfield = torrent?.bitfield
  return {
    id: entry.id,
    infoHash: entry.infoHash,
    role: entry.role,
    name: nameOf(entry),
    length: entry.sealed ? (plainLength ?? entry.length) : hasMetadata && torrent ? torrent.length : entry.length,
    status,
    error: entry.error ?? entry.stopReason ?? entry.notice,
    hashingProgress,
    progress,
    pieceMap:
      torrent && hasMetadata && bitfield ? foldPieces(torrent.pieces.length, (index) => bitfield.get(index)) : [],
    // A private share's records are padded: its plain size times the progress is what has arrived.
    downloaded: plainLength !== null ? Math.round(plainLength * progress) : (torrent?.downloaded ?? 0),
    // ...and what has gone out is counted in the same plain bytes, so "Uploaded" compares with "Size".
    uploaded:
      plainLength !== null && torrent?.length
        ? Math.round(((torrent.uploaded ?? 0) * plainLength) / torrent.length)
        : (torrent?.uploaded ?? 0),
    downloadSpeed: Math.round(torrent?.downloadSpeed ?? 0),
    uploadSpeed: Math.round(torrent?.uploadSpeed ?? 0),
    numPeers: connectedPeers(torrent),
    timeRemainingMs: timeRemainingMs(entry),
    speedHistory: entry.speedHistory,
    onlySeeder: isOnlySeeder(entry),
    files:
      !torrent || !hasMetadata
        ? []
        : share
          ? sealedFileSnapshots(torrent, share)
          : torrent.files.map((file, index) => ({
              index,
              path: file.path,
              name: file.name,
              length: file.length,
              progress: fileProgress(file, torrent),
            })),
    peers: entry.peers,
    cannotConnect: entry.unreachableSinceMs !== null && nowMs - entry.unreachableSinceMs >= CANNOT_CONNECT_AFTER_MS,
    magnetUri: torrent?.infoHash && !entry.sealed ? (torrent.magnetURI ?? null) : null,
    secret: entry.sealed?.secret ?? null,
    extraTrackers: entry.trackers,
    addedAtMs: entry.addedAtMs,
    kept: entry.kept,
    keeping: entry.keeping,
    canResume: entry.role === 'received' || entry.blobs !== null,
  }
}

function sealedFileSnapshots(torrent: Torrent, share: SealedShare): TorrentSnapshot['files'] {
  return share.manifest.files.map((file, index) => ({
    index,
    path: sealedPath(share, index),
    name: file.path[file.path.length - 1]!,
    length: file.length,
    progress: sealedFileProgress(torrent, share.plan.files[index]!),
  }))
}

/**
 * webtorrent's File.progress under-counts a file that ends exactly on a piece boundary (it subtracts
 * a whole piece), so a complete file can read 95 %; its `done` flag is right.
 */
function fileProgress(file: TorrentFile, torrent: Torrent): number {
  return torrent.done || file.done ? 1 : Math.min(file.progress, 0.999)
}

/** A message for a torrent's error, and whether it means "out of space" (the torrent stops, nothing else). */
export function describeTorrentError(failure: unknown): { message: string; outOfSpace: boolean } {
  const room = (failure as { room?: NotEnoughRoom } | null)?.room
  if (room) {
    const message = `Not enough storage space: this download needs ${formatBytes(room.needed)}, and this browser has ${formatBytes(room.free)} left for Swarmdrop. Delete other torrents to make room, then resume it.`
    return { message, outOfSpace: true }
  }
  if (isOutOfSpace(failure)) return { message: OUT_OF_SPACE_MESSAGE, outOfSpace: true }
  const message = asError(failure).message
  if (/invalid torrent|torrent is missing|bencode|Unexpected/i.test(message)) {
    return { message: `This .torrent file is damaged or not a torrent (${message}).`, outOfSpace: false }
  }
  return { message, outOfSpace: false }
}

/**
 * What a torrent's warning (bad outside input, never fatal) tells the person, or null when it is
 * nothing to act on: webtorrent fetches a damaged piece again, and reconnects to a tracker it lost
 * (its status already says "connecting"). A tracker's refusal comes as its own words.
 */
export function describeTorrentWarning(warning: unknown): string | null {
  const message = asError(warning).message.trim()
  if (!message) return null
  if (
    /^Piece \d+ failed verification|^Connection error|^Error connecting|WebSocket|ECONN|socket|timed? ?out|xs param|web seed/i.test(
      message,
    )
  )
    return null
  if (/^invalid (tracker|scrape) response/i.test(message))
    return 'The tracker sent an answer this app cannot read; peers may not be found through it.'
  return `The tracker refused this torrent: “${message.replace(/[.\s]+$/, '')}”. Peers may not be found through it.`
}
