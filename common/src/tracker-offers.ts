import { sendOnceCandidatesArrive } from './ice-gathering.js'

/*
 * bittorrent-tracker's WebSocketTracker (webtorrent's tracker client) makes the WebRTC offers an
 * announce carries only once its socket has connected, and each offer waits for ICE gathering to
 * complete (non-trickle, ~120 ms in Chromium). Making them while the socket connects, as a page with
 * a bare RTCPeerConnection would, takes that wait off the path from opening a link to the first peer;
 * and each offer and answer goes out once its candidates have arrived (ice-gathering.ts).
 */

type Offer = { offer: unknown; offer_id: string }
type OfferingTracker = {
  destroyed: boolean
  socket?: { connected: boolean } | null
  _generateOffers(numwant: number, callback: (offers: Offer[]) => void): void
  _createPeer?(opts?: object): Parameters<typeof sendOnceCandidatesArrive>[0]
  /** Offers made while connecting, for the announce that waits for the socket. */
  [EARLY_OFFERS]?: Promise<Offer[]> | null
}

const EARLY_OFFERS = Symbol.for('swarmdrop.earlyOffers')
const ORIGINAL = Symbol.for('swarmdrop.generateOffers')
/** What an announce asks for: bittorrent-tracker caps its offers at 5 and webtorrent wants more. */
const OFFERS_PER_ANNOUNCE = 5

type GenerateOffers = OfferingTracker['_generateOffers']

/**
 * Starts the offers of the WebSocket trackers of a tracker client (`torrent.discovery.tracker`) that
 * are still connecting, and makes their announce use them; every offer and answer of those trackers
 * goes out once its candidates have arrived. Patches the class once.
 */
export function offerWhileConnecting(trackerClient: { _trackers?: unknown[] }): void {
  for (const tracker of (trackerClient._trackers ?? []) as Array<Partial<OfferingTracker>>) {
    if (typeof tracker._generateOffers !== 'function') continue
    const prototype = Object.getPrototypeOf(tracker) as OfferingTracker & { [ORIGINAL]?: GenerateOffers }
    if (!prototype[ORIGINAL]) {
      const generate = (prototype[ORIGINAL] = prototype._generateOffers)
      prototype._generateOffers = function (this: OfferingTracker, numwant, callback) {
        const early = this[EARLY_OFFERS]
        this[EARLY_OFFERS] = null
        if (!early) return generate.call(this, numwant, callback)
        void early.then((offers) => (offers.length === numwant ? callback(offers) : generate.call(this, numwant, callback)))
      }
      const createPeer = prototype._createPeer
      if (createPeer) {
        prototype._createPeer = function (this: OfferingTracker, opts) {
          const peer = createPeer.call(this, opts)
          sendOnceCandidatesArrive(peer)
          return peer
        }
      }
    }
    const original = prototype[ORIGINAL]
    const offering = tracker as OfferingTracker
    if (!offering.destroyed && offering.socket && !offering.socket.connected && !offering[EARLY_OFFERS]) {
      offering[EARLY_OFFERS] = new Promise((resolve) => original.call(offering, OFFERS_PER_ANNOUNCE, resolve))
    }
  }
}
