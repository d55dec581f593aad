export {
  WEBTORRENT_VERSION,
  WORKAROUNDS,
  workaroundsFor,
  type Runtime,
  type UpstreamClass,
  type WorkaroundId,
} from './manifest.js'
export {
  EngineMismatchError,
  engineReport,
  failOnMismatch,
  onEngineReport,
  type EngineReport,
  type Mismatch,
} from './check.js'
export {
  adoptTorrent,
  selectForStream,
  webrtcConnections,
  type AdoptOptions,
  type EngineTorrent,
  type TrackerClient,
} from './torrent.js'
export { leftUntilMetadata } from './announce.js'
export { selectedCandidatePair, type StatsEntry } from './stats.js'
export { connectedPeerCount, watchingWhileDownloading, type ParallelOptions } from './parallel/connections.js'
export { GROWTH_RULES, type GrowthRules } from './parallel/growth.js'
export { endStreamGrace } from './workarounds/request-pipeline.js'
