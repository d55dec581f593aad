import { checkClass, fits, patchClass } from './check.js'
import { WORKAROUNDS, type Runtime, type WorkaroundId } from './manifest.js'
import { requestLargerBlocks } from './workarounds/block-size.js'
import { dropWhenDisconnected } from './workarounds/dead-peers.js'
import { delayQuickAnswers } from './workarounds/quick-answers.js'
import { rarestFirstOnce } from './workarounds/rarest-first.js'
import { shortRequestPipelines } from './workarounds/request-pipeline.js'
import { firstRequestMostWanted } from './workarounds/first-request.js'
import { urgentPiecesFirst } from './workarounds/urgent-pieces.js'
import { countSeederByPieces } from './workarounds/seeder-status.js'
import { offerWhileConnecting } from './workarounds/tracker-offers.js'
import { reconnectPromptly } from './workarounds/tracker-reconnect.js'
import { batchWireWrites } from './workarounds/wire-writes.js'
import { settleOfferGlare } from './workarounds/webrtc-glare.js'
import {
  connectInParallel,
  connectedPeerCount,
  peerIdOfConnection,
  type ParallelOptions,
} from './parallel/connections.js'

/*
 * The one way into the engine: a torrent is adopted as soon as webtorrent hands it out (client.add or
 * client.seed), and every workaround of the runtime is applied to it, and to its pieces, wires and
 * trackers, at the moment each comes into being.
 */

type Listener = (...args: never[]) => void

/** A webtorrent Torrent, as far as the engine uses its public API. */
export type EngineTorrent = {
  readonly pieces: ReadonlyArray<object | null>
  readonly wires: ReadonlyArray<object>
  strategy: 'sequential' | 'rarest'
  on(event: string, listener: Listener): unknown
  once(event: string, listener: Listener): unknown
}

/** bittorrent-tracker's Client: a torrent's trackers, one per announce URL. */
export type TrackerClient = {
  on(event: string, listener: Listener): unknown
  update(): void
}

export type AdoptOptions = {
  runtime: Runtime
  /** Nothing of this torrent can be in its store yet (it was never here): the store is not checked piece by piece. */
  fresh?: boolean
  /** Called with the torrent's tracker client as discovery creates it, before its first announce goes out. */
  onTrackerClient?: (trackerClient: TrackerClient) => void
  /** Several connections per peer on long paths (parallel/); `false`: one, as stock webtorrent. */
  parallel?: ParallelOptions | false
}

type DiscoveringTorrent = {
  _startDiscovery(): void
  discovery?: { tracker?: (TrackerClient & { _trackers?: unknown[] }) | null } | null
}
type WebrtcPeer = { type?: string; wire?: unknown; conn?: { _pc?: RTCPeerConnection | null } | null; id?: string }

const adopted = new WeakMap<object, AdoptOptions>()
const appliesIn = (runtime: Runtime, id: WorkaroundId) =>
  (WORKAROUNDS[id].runtimes as readonly Runtime[]).includes(runtime)

export function adoptTorrent(torrent: EngineTorrent, options: AdoptOptions): void {
  const uses = (id: WorkaroundId) => appliesIn(options.runtime, id)
  adopted.set(torrent, options)
  patchClass<DiscoveringTorrent>('tracker-hook', 'webtorrent Torrent', torrent, (prototype) => {
    const startDiscovery = prototype._startDiscovery
    prototype._startDiscovery = function (this: DiscoveringTorrent) {
      const before = this.discovery
      startDiscovery.call(this)
      const hooks = adopted.get(this)
      const trackerClient = this.discovery?.tracker
      if (hooks && trackerClient && this.discovery !== before) hookTrackerClient(trackerClient, hooks)
    }
  })
  if (uses('short-request-pipelines')) shortRequestPipelines(torrent)
  if (uses('webrtc-glare')) settleOfferGlare(torrent)
  // Node's WebRTC (libdatachannel) is left out of the control channel: with it on, a browser's download
  // from the hybrid node stalled and dropped in ~1 run of 6 under load (cause not found).
  if (uses('parallel-connections') && options.parallel !== false)
    connectInParallel(torrent, { controlChannel: options.runtime === 'browser', ...options.parallel })
  torrent.once('metadata', () => {
    // Every member of the torrent exists now: what is checked at first use below is checked here already.
    checkClass(options.runtime, 'webtorrent Torrent', torrent)
    if (uses('larger-blocks')) requestLargerBlocks(torrent)
    if (uses('first-request')) firstRequestMostWanted(torrent)
    if (uses('urgent-pieces')) urgentPiecesFirst(torrent)
    if (
      options.fresh &&
      uses('skip-verifying-empty-store') &&
      fits('skip-verifying-empty-store', 'webtorrent Torrent', torrent)
    ) {
      // webtorrent's "startup bitfield" path trusts an (empty) bitfield instead of reading every piece;
      // it reads this flag right after 'metadata'.
      ;(torrent as unknown as { _hasStartupBitfield: boolean })._hasStartupBitfield = true
    }
    if (uses('rarest-first-once') && fits('piece-order', 'webtorrent Torrent', torrent))
      rarestFirstOnce((torrent as unknown as { _rarityMap?: object })._rarityMap)
  })
  torrent.on('wire', (wire: object) => {
    if (uses('wire-writes')) batchWireWrites(wire)
    if (uses('seeder-status')) countSeederByPieces(torrent, wire)
    if (uses('webrtc-connections')) {
      const connection = webrtcPeers(torrent).find((peer) => peer.wire === wire)?.conn
      if (connection)
        dropWhenDisconnected(connection as Parameters<typeof dropWhenDisconnected>[0], () => torrent.wires.length > 1)
    }
    if (uses('piece-order')) {
      choosePieceOrder(torrent)
      ;(wire as { once(event: 'close', listener: () => void): unknown }).once('close', () => choosePieceOrder(torrent))
    }
  })
}

function hookTrackerClient(
  trackerClient: TrackerClient & { _trackers?: unknown[] },
  { runtime, onTrackerClient }: AdoptOptions,
): void {
  const uses = (id: WorkaroundId) => appliesIn(runtime, id)
  if (fits('tracker-hook', 'bittorrent-tracker Client', trackerClient)) {
    for (const tracker of trackerClient._trackers ?? []) {
      if (!isWebSocketTracker(tracker)) continue
      if (uses('prompt-tracker-reconnect')) reconnectPromptly(tracker)
      if (uses('offers-while-connecting')) offerWhileConnecting(tracker)
      if (uses('quick-answers')) delayQuickAnswers(tracker)
    }
  }
  onTrackerClient?.(trackerClient)
}

const isWebSocketTracker = (tracker: unknown): tracker is object =>
  /^wss?:/i.test(String((tracker as { announceUrl?: unknown } | null)?.announceUrl))

/**
 * With one peer (most often the sender alone), pieces are taken in order, the cheapest choice. With
 * several, rarest first: receivers then hold different pieces and trade them.
 */
function choosePieceOrder(torrent: EngineTorrent): void {
  torrent.strategy = connectedPeerCount(torrent) > 1 ? 'rarest' : 'sequential'
}

/** The torrent's WebRTC peers with a connection (simple-peer), checked against the manifest. */
function webrtcPeers(torrent: object): WebrtcPeer[] {
  if (!fits('webrtc-connections', 'webtorrent Torrent', torrent)) return []
  const peers = [...((torrent as { _peers?: Map<string, WebrtcPeer> | null })._peers?.values() ?? [])]
  return peers.filter(
    (peer) =>
      peer.type === 'webrtc' &&
      fits('webrtc-connections', 'webtorrent Peer', peer) &&
      peer.conn &&
      fits('webrtc-connections', 'simple-peer Peer', peer.conn),
  )
}

/**
 * Each WebRTC connection's id, the remote peer it leads to (several may lead to one, see parallel/)
 * and its RTCPeerConnection (to read how it is routed).
 */
export function webrtcConnections(torrent: object): Array<{ id: string; peerId: string; pc: RTCPeerConnection }> {
  return webrtcPeers(torrent).flatMap((peer) =>
    peer.conn?._pc && peer.id
      ? [
          {
            id: peer.id,
            // Before its handshake an extra connection has no wire, but its id names its peer.
            peerId: (peer.wire as { peerId?: string } | null)?.peerId ?? peerIdOfConnection(peer.id),
            pc: peer.conn._pc,
          },
        ]
      : [],
  )
}

/**
 * Asks for pieces `start`–`end` (inclusive) at a stream's priority, above the whole torrent's. The
 * public `select` would merge the range into the whole torrent's selection, at its low priority.
 */
export function selectForStream(torrent: object, start: number, end: number): void {
  if (!fits('stream-selection', 'webtorrent Torrent', torrent)) return
  ;(
    torrent as {
      _select(start: number, end: number, priority: number, notify: undefined, isStreamSelection: true): void
    }
  )._select(start, end, 2, undefined, true)
}
