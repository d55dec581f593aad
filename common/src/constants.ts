/** Path of the tracker on the app's own origin, for WebSocket and HTTP announces alike. */
export const TRACKER_ANNOUNCE_PATH = '/announce'

/** How often clients are told to re-announce to the tracker. */
export const ANNOUNCE_INTERVAL_MS = 60_000

/** Endpoint that tells the web app how this deployment is configured. */
export const CLIENT_CONFIG_PATH = '/api/config'

/** Schemes a browser or Node peer may announce to. */
export const TRACKER_PROTOCOLS = ['ws:', 'wss:', 'http:', 'https:', 'udp:'] as const

/** User Timing mark the web app sets when a torrent's first peer connects (read by the benchmarks). */
export const FIRST_PEER_MARK = 'swarmdrop:first-peer'

/** User Timing mark the web app sets when a torrent has every piece, verified and stored (read by the benchmarks). */
export const DONE_MARK = 'swarmdrop:done'
