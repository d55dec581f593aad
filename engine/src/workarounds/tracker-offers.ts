import { patchClass } from '../check.js'
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
  _createPeer(opts?: object): object
  /** Offers made while connecting, for the announce that waits for the socket. */
  [EARLY_OFFERS]?: Promise<Offer[]> | null
}

const EARLY_OFFERS = Symbol('offers made while connecting')
/** The class's own offer maker, kept by the patch. */
const generateOffers = new WeakMap<object, OfferingTracker['_generateOffers']>()
/** What an announce asks for: bittorrent-tracker caps its offers at 5 and webtorrent wants more. */
const OFFERS_PER_ANNOUNCE = 5

/**
 * Starts a WebSocket tracker's offers if it is still connecting, and makes its announce use them;
 * every offer and answer of its class goes out once its candidates have arrived.
 */
export function offerWhileConnecting(tracker: object): void {
  const patched = patchClass<OfferingTracker>(
    'offers-while-connecting',
    'bittorrent-tracker WebSocketTracker',
    tracker,
    (prototype) => {
      const generate = prototype._generateOffers
      generateOffers.set(prototype, generate)
      prototype._generateOffers = function (this: OfferingTracker, numwant, callback) {
        const early = this[EARLY_OFFERS]
        this[EARLY_OFFERS] = null
        if (!early) return generate.call(this, numwant, callback)
        void early.then((offers) =>
          offers.length === numwant ? callback(offers) : generate.call(this, numwant, callback),
        )
      }
      const createPeer = prototype._createPeer
      prototype._createPeer = function (this: OfferingTracker, opts) {
        const peer = createPeer.call(this, opts)
        sendOnceCandidatesArrive(peer)
        return peer
      }
    },
  )
  const offering = tracker as OfferingTracker
  const generate = generateOffers.get(Object.getPrototypeOf(tracker) as object)
  if (
    !patched ||
    !generate ||
    offering.destroyed ||
    !offering.socket ||
    offering.socket.connected ||
    offering[EARLY_OFFERS]
  )
    return
  offering[EARLY_OFFERS] = new Promise((resolve) => generate.call(offering, OFFERS_PER_ANNOUNCE, resolve))
}
