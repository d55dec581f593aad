import { fits } from '../check.js'

/*
 * Offers and answers through a WebSocket tracker are not trickled: simple-peer sends its SDP once
 * ICE gathering is complete. Chromium declares it complete ~120 ms after its last candidate, even
 * when the configuration can yield nothing more (its port allocator steps through phases on
 * timers). Each kind of candidate a peer elsewhere may need has a known source: host candidates
 * (unless relay-only), a server-reflexive one when a STUN server is set, a relayed one when a TURN
 * server is. Once each kind has arrived, and candidates have been quiet for a moment (more network
 * interfaces report within a few ms), the SDP is complete enough to send. If one never arrives (a
 * STUN server that does not answer), gathering ends as before.
 */

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay'

/** Quiet time after the last awaited candidate, for the same kind from other interfaces. */
export const CANDIDATE_SETTLE_MS = 10

/** The candidate kinds worth waiting for with this configuration; empty when there is nothing to wait for. */
export function awaitedCandidateTypes(
  config: Pick<RTCConfiguration, 'iceServers' | 'iceTransportPolicy'>,
): Set<CandidateType> {
  const urls = (config.iceServers ?? []).flatMap((server) => [server.urls].flat())
  const turn = urls.some((url) => /^turns?:/i.test(url))
  if (config.iceTransportPolicy === 'relay') return new Set(turn ? ['relay'] : [])
  const awaited = new Set<CandidateType>(['host'])
  if (urls.some((url) => /^stun:/i.test(url))) awaited.add('srflx')
  if (turn) awaited.add('relay')
  return awaited
}

/** The type of an ICE candidate line (`candidate:… typ host …`), or null. */
export function candidateType(candidate: string): CandidateType | null {
  const type = /\btyp (host|srflx|prflx|relay)\b/.exec(candidate)?.[1]
  return (type as CandidateType | undefined) ?? null
}

/** The parts of a (non-trickle) simple-peer this touches. */
type GatheringPeer = {
  destroyed: boolean
  _pc?: Pick<RTCPeerConnection, 'getConfiguration' | 'addEventListener' | 'localDescription'> | null
  _iceComplete: boolean
  emit(event: '_iceComplete'): unknown
}

/**
 * Lets a non-trickle simple-peer send its offer or answer as soon as every awaited kind of
 * candidate has arrived, the way its own gathering timeout does, rather than when the browser
 * declares gathering complete.
 */
export function sendOnceCandidatesArrive(simplePeer: object, settleMs = CANDIDATE_SETTLE_MS): void {
  if (!fits('send-once-candidates-arrive', 'simple-peer Peer', simplePeer)) return
  const peer = simplePeer as GatheringPeer
  const pc = peer._pc
  if (!pc) return
  const awaited = awaitedCandidateTypes(pc.getConfiguration())
  if (awaited.size === 0) return
  let timer: ReturnType<typeof setTimeout> | null = null
  pc.addEventListener('icecandidate', (event: RTCPeerConnectionIceEvent) => {
    if (timer) clearTimeout(timer)
    const type = event.candidate ? candidateType(event.candidate.candidate) : null
    if (type) awaited.delete(type)
    if (awaited.size > 0 || !event.candidate) return
    timer = setTimeout(() => {
      // simple-peer sends the local description as it stands; where it does not carry the candidates
      // yet (Node's WebRTC adds them only at the end), gathering has to end as before.
      if (peer.destroyed || peer._iceComplete || !/\ba=candidate:/.test(pc.localDescription?.sdp ?? '')) return
      peer._iceComplete = true
      peer.emit('_iceComplete')
    }, settleMs)
  })
}
