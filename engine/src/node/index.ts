import { dialClassicPeers } from './dial.js'
import { sendBitfieldFirst } from './first-message.js'

export { endGatheringAsBrowsersDo } from './webrtc-gathering.js'

/** The Node-only workarounds for classic peers (TCP and uTP): applied beside adoptTorrent's. */
export function adoptClassicPeers(torrent: object): void {
  dialClassicPeers(torrent)
  sendBitfieldFirst(torrent)
}
