/*
 * The WebTorrent WebSocket tracker protocol at the edge: one pure parser that turns a client's text
 * into a typed request or a refusal with a reason (counted in metrics), and the few messages the
 * tracker sends back. IDs (info_hash, peer_id, offer_id) are 20-byte "binary strings": 20 characters,
 * each a byte (code point below 256), used as they are for map keys.
 */

export type MessageLimits = {
  /** Offers in one announce; browsers send up to 10. */
  maxOffersPerAnnounce: number
  /** One SDP; a non-trickle offer with a few candidates is 1–3 KiB. */
  maxSdpBytes: number
  /** Info hashes in one scrape. */
  maxScrapeHashes: number
}

export type AnnounceEvent = 'started' | 'stopped' | 'completed' | 'update' | 'paused'
export type SessionDescription = { type: 'offer' | 'answer'; sdp: string }
export type Offer = { offerId: string; offer: SessionDescription }
export type Answer = { offerId: string; toPeerId: string; answer: SessionDescription }

export type AnnounceRequest = {
  action: 'announce'
  infoHash: string
  peerId: string
  event: AnnounceEvent
  /** Bytes the peer still needs; undefined when unknown (a magnet download before metadata). */
  left: number | undefined
  offers: Offer[]
  answer: Answer | null
}
export type ScrapeRequest = { action: 'scrape'; infoHashes: string[] }
export type TrackerRequest = AnnounceRequest | ScrapeRequest

/** Why a message (or a connection) was refused; the label of `swarmdrop_tracker_rejections_total`. */
export type RejectionReason =
  | 'not-json'
  | 'not-object'
  | 'bad-action'
  | 'bad-info-hash'
  | 'bad-peer-id'
  | 'bad-event'
  | 'bad-offers'
  | 'too-many-offers'
  | 'bad-answer'
  | 'bad-scrape'
  | 'unsolicited-answer'
  | 'peer-id-taken'
  | 'too-many-swarms'
  | 'announce-rate'
  | 'offer-rate'
  | 'too-many-invalid'
  | 'slow-reader'
  | 'idle'
  | 'origin'
  | 'rtc-config-rate'
  | 'sockets-per-ip'
  | 'connection-rate'
  | 'server-full'

export type Refusal = { reason: RejectionReason; detail: string }
export type ParseResult = { ok: true; request: TrackerRequest } | ({ ok: false } & Refusal)

const EVENTS = new Set<string>(['started', 'stopped', 'completed', 'update', 'paused'])

/** A 20-byte binary string: exactly 20 characters, each one byte. */
export function isBinaryId(value: unknown): value is string {
  if (typeof value !== 'string' || value.length !== 20) return false
  for (let i = 0; i < 20; i++) if (value.charCodeAt(i) > 255) return false
  return true
}

export function parseTrackerRequest(raw: string, limits: MessageLimits): ParseResult {
  let message: unknown
  try {
    message = JSON.parse(raw)
  } catch {
    return refuse('not-json', 'The message is not JSON.')
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return refuse('not-object', 'The message is not a JSON object.')
  const m = message as Record<string, unknown>
  if (m.action === 'scrape') return parseScrape(m, limits)
  if (m.action !== 'announce') return refuse('bad-action', 'The action must be announce or scrape.')
  if (!isBinaryId(m.info_hash)) return refuse('bad-info-hash', 'info_hash must be 20 bytes.')
  if (!isBinaryId(m.peer_id)) return refuse('bad-peer-id', 'peer_id must be 20 bytes.')

  const event = m.event === undefined || m.event === 'empty' ? 'update' : m.event
  if (typeof event !== 'string' || !EVENTS.has(event))
    return refuse('bad-event', 'event must be started, stopped, completed, update or paused.')

  const offers: Offer[] = []
  if (m.offers !== undefined) {
    if (!Array.isArray(m.offers)) return refuse('bad-offers', 'offers must be an array.')
    if (m.offers.length > limits.maxOffersPerAnnounce)
      return refuse('too-many-offers', `At most ${limits.maxOffersPerAnnounce} offers per announce.`)
    for (const entry of m.offers as unknown[]) {
      const candidate = entry as { offer?: unknown; offer_id?: unknown } | null
      const offer =
        candidate && isBinaryId(candidate.offer_id) ? sessionDescription(candidate.offer, 'offer', limits) : null
      if (!offer)
        return refuse(
          'bad-offers',
          `Each offer needs an offer_id of 20 bytes and an SDP offer of at most ${kib(limits.maxSdpBytes)}.`,
        )
      offers.push({ offerId: candidate!.offer_id as string, offer })
    }
  }

  let answer: Answer | null = null
  if (m.answer !== undefined) {
    const sdp = sessionDescription(m.answer, 'answer', limits)
    if (!sdp || !isBinaryId(m.offer_id) || !isBinaryId(m.to_peer_id)) {
      return refuse(
        'bad-answer',
        `An answer needs an SDP answer of at most ${kib(limits.maxSdpBytes)}, an offer_id and a to_peer_id of 20 bytes.`,
      )
    }
    answer = { offerId: m.offer_id, toPeerId: m.to_peer_id, answer: sdp }
  }

  // JSON turns a client's `left: NaN` into null; that means "unknown", never 0 (a seeder).
  const left = typeof m.left === 'number' && Number.isFinite(m.left) && m.left >= 0 ? m.left : undefined
  return {
    ok: true,
    request: {
      action: 'announce',
      infoHash: m.info_hash,
      peerId: m.peer_id,
      event: event as AnnounceEvent,
      left,
      offers,
      answer,
    },
  }
}

function parseScrape(m: Record<string, unknown>, limits: MessageLimits): ParseResult {
  const hashes = typeof m.info_hash === 'string' ? [m.info_hash] : m.info_hash
  if (
    !Array.isArray(hashes) ||
    hashes.length === 0 ||
    hashes.length > limits.maxScrapeHashes ||
    !hashes.every(isBinaryId)
  ) {
    return refuse('bad-scrape', `A scrape names 1 to ${limits.maxScrapeHashes} info hashes of 20 bytes.`)
  }
  return { ok: true, request: { action: 'scrape', infoHashes: hashes } }
}

function sessionDescription(
  value: unknown,
  type: SessionDescription['type'],
  limits: MessageLimits,
): SessionDescription | null {
  const sdp = value as { type?: unknown; sdp?: unknown } | null
  if (
    typeof sdp !== 'object' ||
    sdp === null ||
    sdp.type !== type ||
    typeof sdp.sdp !== 'string' ||
    sdp.sdp.length > limits.maxSdpBytes
  )
    return null
  return { type, sdp: sdp.sdp }
}

function refuse(reason: RejectionReason, detail: string): ParseResult {
  return { ok: false, reason, detail }
}

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`

/* Messages the tracker sends. */

export function announceReply(infoHash: string, intervalS: number, complete: number, incomplete: number): string {
  return JSON.stringify({ action: 'announce', interval: intervalS, info_hash: infoHash, complete, incomplete })
}

export function relayedOffer(infoHash: string, fromPeerId: string, offer: Offer): string {
  return JSON.stringify({
    action: 'announce',
    offer: offer.offer,
    offer_id: offer.offerId,
    peer_id: fromPeerId,
    info_hash: infoHash,
  })
}

export function relayedAnswer(infoHash: string, fromPeerId: string, answer: Answer): string {
  return JSON.stringify({
    action: 'announce',
    answer: answer.answer,
    offer_id: answer.offerId,
    peer_id: fromPeerId,
    info_hash: infoHash,
  })
}

export function scrapeReply(
  files: Record<string, { complete: number; incomplete: number; downloaded: number }>,
  intervalS: number,
): string {
  return JSON.stringify({ action: 'scrape', files, flags: { min_request_interval: intervalS } })
}

/**
 * A refusal. webtorrent's client only reads failures that name an action (and, for an announce, the
 * torrent), and treats anything else as a broken tracker; so the action and info hash are echoed when known.
 */
export function failureReply(
  detail: string,
  context: { action?: 'announce' | 'scrape'; infoHash?: string } = {},
): string {
  return JSON.stringify({ action: context.action, info_hash: context.infoHash, 'failure reason': detail })
}
