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
    (typeof transport?.selectedCandidatePairId === 'string'
      ? byId.get(transport.selectedCandidatePairId)
      : undefined) ??
    [...byId.values()].find(
      (entry) => entry.type === 'candidate-pair' && entry.state === 'succeeded' && entry.nominated === true,
    )
  if (!pair) return null
  const local = byId.get(String(pair.localCandidateId))?.candidateType
  const remote = byId.get(String(pair.remoteCandidateId))?.candidateType
  return {
    path: local === 'relay' || remote === 'relay' ? 'relayed' : 'direct',
    candidates: `${String(local)} → ${String(remote)}`,
  }
}

/** How each connection is routed (the connections as the engine reads them from webtorrent). */
export async function peerPaths(connections: Array<{ id: string; pc: RTCPeerConnection }>): Promise<PeerPath[]> {
  const paths = await Promise.all(
    connections.map(async ({ id, pc }) => {
      try {
        const path = pathFromStats((await pc.getStats()).values() as Iterable<StatsEntry>)
        return path && { id, ...path }
      } catch {
        return null
      }
    }),
  )
  return paths.filter((path): path is PeerPath => path !== null)
}
