import type { Server as TrackerServer } from 'bittorrent-tracker'

/*
 * Classic clients' announces (HTTP, and BEP 15 over UDP) to bittorrent-tracker, corrected at the edge.
 *
 * BEP 15 announces. An announce may name an IPv4 address of its
 * own (bytes 84-87, 0 = "the sender's"), which rTorrent and libtorrent fill when so configured.
 * bittorrent-tracker turns a non-zero one into an empty address and stores the peer as ":port",
 * which nobody can reach; and trusting the field would let anyone add any address to a swarm. So
 * the field is cleared: a peer is stored by the address its packet came from.
 */

const ANNOUNCE_ACTION = 1
const ACTION_OFFSET = 8
const IP_OFFSET = 84
/** An announce is 98 bytes (BEP 15), more with extensions (BEP 41). */
const ANNOUNCE_BYTES = 98

/** The packet with an announce's IP field cleared; any other packet as it is. */
export function withSourceAddress(packet: Buffer): Buffer {
  if (
    packet.length < ANNOUNCE_BYTES ||
    packet.readUInt32BE(ACTION_OFFSET) !== ANNOUNCE_ACTION ||
    packet.readUInt32BE(IP_OFFSET) === 0
  )
    return packet
  const cleared = Buffer.from(packet)
  cleared.writeUInt32BE(0, IP_OFFSET)
  return cleared
}

/**
 * bittorrent-tracker leaves a peer out of its own HTTP or UDP announce reply only for WebRTC peers:
 * a classic client was handed its own address, and a client that dials it dials itself (the hybrid
 * node counted two uTP peers alone in its swarm). Each swarm this tracker creates leaves the
 * announcing peer out, by peer ID.
 */
export function neverHandPeersThemselves(tracker: TrackerServer): void {
  const createSwarm = tracker.createSwarm.bind(tracker)
  tracker.createSwarm = (infoHash, callback) =>
    createSwarm(infoHash, (err, swarm) => {
      if (swarm) {
        const announce = swarm.announce.bind(swarm)
        swarm.announce = (params, reply) =>
          announce(params, (announceErr, response) => {
            if (response) response.peers = response.peers.filter((peer) => peer.peerId !== params.peer_id)
            reply(announceErr, response)
          })
      }
      callback(err, swarm)
    })
}
