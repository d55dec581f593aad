import { selectedCandidatePair, type StatsEntry } from '@swarmdrop/engine'

/** How one peer is connected, from the selected ICE candidate pair of its first connection. */
export type PeerPath = {
  id: string
  path: 'direct' | 'relayed'
  /** ICE candidate types of the selected pair, e.g. "host → srflx". */
  candidates: string | null
  /** Connections to this peer: more than one on a long path (the engine's parallel connections). */
  connections: number
}

/** How the selected candidate pair of `getStats()` entries is routed. Pure, so it is tested without a browser. */
export function pathFromStats(entries: Iterable<StatsEntry>): Pick<PeerPath, 'path' | 'candidates'> | null {
  const selected = selectedCandidatePair(entries)
  if (!selected) return null
  const { pair, byId } = selected
  const local = byId.get(String(pair.localCandidateId))?.candidateType
  const remote = byId.get(String(pair.remoteCandidateId))?.candidateType
  return {
    path: local === 'relay' || remote === 'relay' ? 'relayed' : 'direct',
    candidates: `${String(local)} → ${String(remote)}`,
  }
}

/**
 * How each peer is reached, one entry per peer however many connections lead to it (the connections
 * as the engine reads them from webtorrent). Extra connections are made like the first, so they
 * take the same route.
 */
export async function peerPaths(
  connections: Array<{ id: string; peerId: string; pc: RTCPeerConnection }>,
): Promise<PeerPath[]> {
  const byPeer = new Map<string, Array<{ id: string; pc: RTCPeerConnection }>>()
  for (const { peerId, ...connection } of connections) byPeer.set(peerId, [...(byPeer.get(peerId) ?? []), connection])
  const paths = await Promise.all(
    [...byPeer.values()].map(async (group) => {
      for (const { id, pc } of group) {
        try {
          const path = pathFromStats((await pc.getStats()).values() as Iterable<StatsEntry>)
          if (path) return { id, ...path, connections: group.length }
        } catch {
          // Closed meanwhile: the next connection to this peer tells.
        }
      }
      return null
    }),
  )
  return paths.filter((path): path is PeerPath => path !== null)
}
