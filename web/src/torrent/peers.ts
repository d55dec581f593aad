import type { Torrent } from 'webtorrent/dist/webtorrent.min.js'

/** How one peer is connected, from the selected ICE candidate pair. */
export type PeerPath = {
  id: string
  path: 'direct' | 'relayed'
  /** ICE candidate types of the selected pair, e.g. "host → srflx". */
  candidates: string | null
}

type StatsEntry = { id: string; type: string; [key: string]: unknown }

/** Reads the selected candidate pair out of `getStats()` entries. Pure, so it is tested without a browser. */
export function pathFromStats(entries: Iterable<StatsEntry>): Omit<PeerPath, 'id'> | null {
  const byId = new Map<string, StatsEntry>()
  for (const entry of entries) byId.set(entry.id, entry)
  const transport = [...byId.values()].find((entry) => entry.type === 'transport')
  const pair =
    (typeof transport?.selectedCandidatePairId === 'string' ? byId.get(transport.selectedCandidatePairId) : undefined) ??
    [...byId.values()].find((entry) => entry.type === 'candidate-pair' && entry.state === 'succeeded' && entry.nominated === true)
  if (!pair) return null
  const local = byId.get(String(pair.localCandidateId))?.candidateType
  const remote = byId.get(String(pair.remoteCandidateId))?.candidateType
  return { path: local === 'relay' || remote === 'relay' ? 'relayed' : 'direct', candidates: `${String(local)} → ${String(remote)}` }
}

type WebrtcPeer = { id: string; conn?: { _pc?: RTCPeerConnection | null } | null }

/** Connection paths of a torrent's connected WebRTC peers (webtorrent keeps each peer's RTCPeerConnection on `conn._pc`). */
export async function peerPaths(torrent: Torrent): Promise<PeerPath[]> {
  const peers = (torrent as unknown as { _peers?: Map<string, WebrtcPeer> })._peers
  if (!peers) return []
  const paths = await Promise.all(
    [...peers.values()].map(async (peer) => {
      const pc = peer.conn?._pc
      if (!pc) return null
      try {
        const path = pathFromStats((await pc.getStats()).values() as Iterable<StatsEntry>)
        return path && { id: peer.id, ...path }
      } catch {
        return null
      }
    }),
  )
  return paths.filter((path): path is PeerPath => path !== null)
}
