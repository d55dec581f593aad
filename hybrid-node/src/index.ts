export { HybridNode, UnsafeTorrentError, type HybridOptions, type PeerKind, type TorrentStatus } from './bridge.js'
export { parseSource, trackersForApp, type Source } from './options.js'
export { startStatusServer } from './status-server.js'
export { isPrivateShare, openPrivateShare, sealFiles, writePlainFiles } from './private-share.js'
