import { fits, patchClass } from '../check.js'

/*
 * Two peers that offer to each other through the tracker in the same instant (a new peer's announce
 * crossing the other's periodic one) get two WebRTC connections. webtorrent keeps whichever it
 * registers first and destroys the other, and each side registers them in the order they arrived:
 * when the orders differ, each keeps the connection the other destroyed, and neither connects until
 * a later announce. A browser's first contact with the hybrid node took >60 s once in ~130 runs, and
 * 3.7 s once in 100. Here both sides keep the same one: the connection offered by the peer with the
 * smaller peer ID, unless one of them has connected already.
 */

type Connection = { id?: string; initiator?: boolean }
type RegisteredPeer = { type?: string; connected?: boolean; conn?: Connection | null }
type RegisteringTorrent = {
  _addPeer(peer: unknown, type: unknown, source: unknown): unknown
  removePeer(peer: unknown): void
  _peers: Map<string, RegisteredPeer> | null
  client: { peerId: string }
}

/** Patches the class of `torrent` once. */
export function settleOfferGlare(torrent: object): void {
  patchClass<RegisteringTorrent>('webrtc-glare', 'webtorrent Torrent', torrent, (prototype) => {
    const addPeer = prototype._addPeer
    prototype._addPeer = function (this: RegisteringTorrent, peer: unknown, type: unknown, source: unknown) {
      // An object is a WebRTC connection (simple-peer); an "ip:port" is a classic peer.
      const connection =
        typeof peer === 'object' && peer !== null && fits('webrtc-glare', 'simple-peer Peer', peer)
          ? (peer as Connection)
          : null
      const existing = connection?.id ? this._peers?.get(connection.id) : undefined
      if (
        connection &&
        existing?.type === 'webrtc' &&
        !existing.connected &&
        existing.conn !== connection &&
        keeps(this.client.peerId, connection)
      )
        this.removePeer(existing)
      return addPeer.call(this, peer, type, source)
    }
  })
}

/** Whether both sides keep `connection`: the one offered by the smaller peer ID. */
function keeps(ownPeerId: string, connection: Connection): boolean {
  const weOffered = ownPeerId < (connection.id ?? '')
  return connection.initiator === weOffered
}
