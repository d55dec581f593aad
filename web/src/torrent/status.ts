/** What a person needs to know about one torrent, in one word. */
export type TorrentStatus =
  | 'hashing'
  | 'connecting'
  | 'searching'
  | 'sender-offline'
  | 'downloading'
  | 'stalled'
  | 'done'
  | 'seeding'
  | 'stopped'
  | 'error'

export type StatusInput = {
  role: 'sent' | 'received'
  hashing: boolean
  error: string | null
  stopped: boolean
  trackerResponded: boolean
  /** Seeders the tracker last reported, or null before any report. */
  trackerSeeders: number | null
  hasMetadata: boolean
  done: boolean
  numPeers: number
  downloadSpeed: number
}

/** Pure, so every branch is testable without a browser. */
export function deriveStatus(input: StatusInput): TorrentStatus {
  if (input.error) return 'error'
  if (input.stopped) return 'stopped'
  if (input.hashing) return 'hashing'
  if (input.done) return input.role === 'sent' ? 'seeding' : 'done'
  if (input.numPeers > 0) return input.hasMetadata && input.downloadSpeed === 0 ? 'stalled' : 'downloading'
  if (!input.trackerResponded) return 'connecting'
  if (input.trackerSeeders === 0) return 'sender-offline'
  return 'searching'
}

export const STATUS_LABELS: Record<TorrentStatus, string> = {
  hashing: 'Preparing files',
  connecting: 'Connecting to the tracker',
  searching: 'Looking for the sender',
  'sender-offline': 'The sender is offline, still waiting',
  downloading: 'Downloading',
  stalled: 'Connected, waiting for data',
  done: 'Done',
  seeding: 'Sharing',
  stopped: 'Stopped',
  error: 'Failed',
}
