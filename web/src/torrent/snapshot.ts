import type { TorrentLink } from '@swarmdrop/common'
import type { FilesKept } from './entry'
import type { Keeping } from './keeper'
import type { PeerPath } from './peers'
import type { TorrentStatus } from './status'

export type Role = 'sent' | 'received'

export type FileSnapshot = {
  index: number
  /** Path inside the torrent, as the torrent names it (display only, never markup). */
  path: string
  name: string
  length: number
  progress: number
}

/** A plain, immutable picture of one torrent for React; rebuilt at most every few hundred ms. */
export type TorrentSnapshot = {
  /** Stable while the tab knows the torrent: what its actions (stop, remove, save) name it by. */
  id: string
  infoHash: string | null
  role: Role
  name: string
  /** Total bytes, or null before the metadata arrived. */
  length: number | null
  status: TorrentStatus
  error: string | null
  /** 0..1 while the sender's files are hashed, else null. */
  hashingProgress: number | null
  progress: number
  /** Which parts are present, in cells of 0..1 (see foldPieces); empty before the metadata. */
  pieceMap: number[]
  downloaded: number
  uploaded: number
  downloadSpeed: number
  uploadSpeed: number
  numPeers: number
  /** Estimated milliseconds left (at a smoothed speed), or null when unknown. */
  timeRemainingMs: number | null
  /** Download plus upload speed, a sample a second, newest last. */
  speedHistory: number[]
  /** This browser is the only one with the whole torrent: closing the tab stops the sharing. */
  onlySeeder: boolean
  files: FileSnapshot[]
  /** How each connected peer is reached (direct or through the relay). */
  peers: PeerPath[]
  /** The tracker knows a sender, but no connection has worked for a while. */
  cannotConnect: boolean
  /** Magnet URI with every tracker, for classic clients; null before the info hash is known, and for private shares. */
  magnetUri: string | null
  /** A private share's key (for its link), or null for a public torrent. */
  secret: string | null
  /** Trackers beyond the app's defaults, to carry along in share links. */
  extraTrackers: string[]
  addedAtMs: number
  /** How a shared torrent's files outlive a reload; null for a download. */
  kept: FilesKept | null
  /** What the server's keeper does with this private share (its sender's only), or null when it was not asked. */
  keeping: Keeping | null
  /** Resume can start it again: a download, or a share whose files this tab still has. */
  canResume: boolean
}

/** The progress a person sees: preparing (hashing, then storing) while a share is prepared, else the transfer. */
export const shownProgress = (torrent: TorrentSnapshot): number =>
  torrent.status === 'hashing' ? (torrent.hashingProgress ?? 0) : torrent.progress

export const progressTone = (torrent: TorrentSnapshot): 'active' | 'done' | 'error' =>
  torrent.status === 'error' ? 'error' : shownProgress(torrent) >= 1 ? 'done' : 'active'

/** The link that opens this torrent in the app, or null before its info hash is known. */
export const linkOf = (torrent: TorrentSnapshot): TorrentLink | null =>
  torrent.infoHash
    ? {
        infoHash: torrent.infoHash,
        name: torrent.name,
        trackers: torrent.extraTrackers,
        ...(torrent.secret ? { secret: torrent.secret } : {}),
      }
    : null
