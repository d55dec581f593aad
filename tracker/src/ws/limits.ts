import type { MessageLimits } from './protocol.js'

/** Every limit the WebSocket tracker enforces; each has an environment variable (see config.ts and the README). */
export type TrackerLimits = MessageLimits & {
  /** Largest WebSocket message; an announce with ten SDP offers is ~30 KiB. */
  maxMessageBytes: number
  /** Swarms one socket may join: a browser tab with many torrents, not a crawler. */
  maxSwarmsPerSocket: number
  /** Announces one socket may send per minute (a bucket: bursts up to this many). 0: unlimited. */
  announcesPerSocketPerMinute: number
  /** Offers one socket may send per minute. 0: unlimited. */
  offersPerSocketPerMinute: number
  /** Refused messages after which a socket is closed. */
  maxInvalidMessagesPerSocket: number
  /** A socket silent this long is closed; clients announce every interval / 5 (12 s). */
  idleTimeoutS: number
  /** Bytes queued for one slow reader before messages to it are dropped. */
  maxBufferedBytesPerSocket: number
  /** Open WebSocket connections from one IP address. 0: unlimited. */
  socketsPerIp: number
  /** New WebSocket connections from one IP address per minute. 0: unlimited. */
  connectionsPerIpPerMinute: number
  /** Open TCP connections in all; past it new ones are dropped. 0: the open-file limit less a reserve. */
  maxConnections: number
}

export const DEFAULT_LIMITS: TrackerLimits = {
  maxOffersPerAnnounce: 10,
  maxSdpBytes: 16 * 1024,
  maxScrapeHashes: 200,
  maxMessageBytes: 256 * 1024,
  maxSwarmsPerSocket: 200,
  // A tab restoring its library announces every torrent at once; then one per torrent every 12 s.
  announcesPerSocketPerMinute: 1200,
  offersPerSocketPerMinute: 6000,
  maxInvalidMessagesPerSocket: 20,
  idleTimeoutS: 150,
  maxBufferedBytesPerSocket: 1024 * 1024,
  socketsPerIp: 256,
  connectionsPerIpPerMinute: 600,
  maxConnections: 0,
}
