/*
 * Every WebSocket tracker message passes through here before bittorrent-tracker sees it: a pure parser
 * at the edge that refuses what the library would accept but should not (huge offer lists and SDPs,
 * one socket in thousands of swarms) and repairs one thing it gets wrong (`left: null` read as 0,
 * which counts a peer without metadata as a seeder). Each refusal has a reason, for metrics.
 */

export type WsLimits = { maxOffers: number; maxSdpBytes: number; maxSwarmsPerSocket: number }

export const WS_LIMITS: WsLimits = {
  /** Offers in one announce; browsers send up to 10. */
  maxOffers: 10,
  /** One SDP; a non-trickle offer with a few candidates is 1–3 KiB. */
  maxSdpBytes: 16 * 1024,
  /** Swarms one socket may join: a browser tab with many torrents, not a crawler. */
  maxSwarmsPerSocket: 200,
}

export type RejectionReason = 'not-json' | 'not-object' | 'bad-action' | 'bad-info-hash' | 'bad-peer-id' | 'bad-offers' | 'too-many-offers' | 'bad-answer' | 'too-many-swarms'

export type GuardResult = { ok: true; message: string; offers: number; answer: boolean } | { ok: false; reason: RejectionReason; detail: string }

/** What the guard remembers about one socket. */
export type SocketState = { swarms: Set<string> }

const isId = (value: unknown): value is string => typeof value === 'string' && value.length === 20

export function guardTrackerMessage(raw: string, state: SocketState, limits: WsLimits = WS_LIMITS): GuardResult {
  let message: unknown
  try {
    message = JSON.parse(raw)
  } catch {
    return reject('not-json', 'The message is not JSON.')
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return reject('not-object', 'The message is not a JSON object.')
  const m = message as Record<string, unknown>
  if (m.action === 'scrape') return { ok: true, message: raw, offers: 0, answer: false }
  if (m.action !== 'announce') return reject('bad-action', 'The action must be announce or scrape.')
  if (!isId(m.info_hash)) return reject('bad-info-hash', 'info_hash must be 20 bytes.')
  if (!isId(m.peer_id)) return reject('bad-peer-id', 'peer_id must be 20 bytes.')

  let offers = 0
  if (m.offers !== undefined) {
    if (!Array.isArray(m.offers)) return reject('bad-offers', 'offers must be an array.')
    if (m.offers.length > limits.maxOffers) return reject('too-many-offers', `At most ${limits.maxOffers} offers per announce.`)
    for (const entry of m.offers as unknown[]) {
      const offer = entry as { offer?: { type?: unknown; sdp?: unknown }; offer_id?: unknown } | null
      if (!offer || !isId(offer.offer_id) || offer.offer?.type !== 'offer' || typeof offer.offer.sdp !== 'string' || offer.offer.sdp.length > limits.maxSdpBytes) {
        return reject('bad-offers', 'Each offer needs an offer_id of 20 bytes and an SDP offer of at most 16 KiB.')
      }
    }
    offers = m.offers.length
  }
  const answer = m.answer !== undefined
  if (answer) {
    const sdp = m.answer as { type?: unknown; sdp?: unknown } | null
    if (!sdp || sdp.type !== 'answer' || typeof sdp.sdp !== 'string' || sdp.sdp.length > limits.maxSdpBytes || !isId(m.offer_id) || !isId(m.to_peer_id)) {
      return reject('bad-answer', 'An answer needs an SDP answer of at most 16 KiB, an offer_id and a to_peer_id of 20 bytes.')
    }
  }

  if (!state.swarms.has(m.info_hash)) {
    if (state.swarms.size >= limits.maxSwarmsPerSocket) return reject('too-many-swarms', `One connection may join at most ${limits.maxSwarmsPerSocket} swarms.`)
    state.swarms.add(m.info_hash)
  }

  // bittorrent-tracker reads `left` with Number(): null (what JSON makes of NaN) becomes 0, a seeder.
  // A missing or invalid `left` means "unknown", which the library treats as a leecher.
  const left = m.left
  if (left !== undefined && (typeof left !== 'number' || !Number.isFinite(left) || left < 0)) {
    delete m.left
    return { ok: true, message: JSON.stringify(m), offers, answer }
  }
  return { ok: true, message: raw, offers, answer }
}

function reject(reason: RejectionReason, detail: string): GuardResult {
  return { ok: false, reason, detail }
}
