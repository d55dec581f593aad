/** One entry of an RTCPeerConnection's `getStats()`. */
export type StatsEntry = { id: string; type: string; [key: string]: unknown }

/**
 * The candidate pair ICE selected, from `getStats()` entries, with every entry by id (to read its
 * candidates). Chromium names it on the transport; Firefox does not, and marks it nominated and
 * succeeded. Pure, so it is tested without a browser.
 */
export function selectedCandidatePair(
  entries: Iterable<StatsEntry>,
): { pair: StatsEntry; byId: Map<string, StatsEntry> } | null {
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
  return pair ? { pair, byId } : null
}
