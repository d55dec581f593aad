/*
 * Every change Swarmdrop makes to the internals of webtorrent and the libraries it bundles, with what
 * each touches and why. Nothing else in the project reaches into them: a member named here is checked
 * when the workaround is applied (see check.ts), so an upgrade that renames one fails the contract
 * tests instead of quietly losing a speed-up or a fix.
 *
 * A member is written `name()` for a method, `name` for a field an instance has (possibly null),
 * `static name` for a field of the class. Behaviour no member can show (an event a class emits) is
 * covered by the behaviour tests, which run on the real classes too (contract/).
 */

/** The webtorrent release every workaround was written for and checked against. */
export const WEBTORRENT_VERSION = '3.0.21'

export type Runtime = 'browser' | 'node'

/** An upstream class, named after the package that defines it. */
export type UpstreamClass =
  | 'webtorrent WebTorrent'
  | 'webtorrent Torrent'
  | 'webtorrent Peer'
  | 'webtorrent RarityMap'
  | 'torrent-piece Piece'
  | 'bittorrent-protocol Wire'
  | 'bittorrent-tracker Client'
  | 'bittorrent-tracker WebSocketTracker'
  | 'simple-peer Peer'
  | 'webrtc-polyfill RTCPeerConnection'

export type Workaround = {
  /** The members it touches, by class. */
  touches: Partial<Record<UpstreamClass, readonly string[]>>
  /** Where it applies: webtorrent's browser bundle, its Node build (the hybrid node), or both. */
  runtimes: readonly Runtime[]
  writtenFor: string
  /** What it fixes or speeds up, as measured. */
  why: string
}

export const WORKAROUNDS = {
  'tracker-hook': {
    touches: { 'webtorrent Torrent': ['_startDiscovery()'], 'bittorrent-tracker Client': ['_trackers'] },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: "The tracker workarounds below, and a torrent's own listeners (seeder counts), need its tracker client as discovery creates it, before the first announce goes out; webtorrent exposes it only afterwards.",
  },
  'prompt-tracker-reconnect': {
    touches: {
      'bittorrent-tracker WebSocketTracker': [
        '_startReconnectTimer()',
        '_openSocket()',
        'reconnecting',
        'retries',
        'reconnectTimer',
      ],
    },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'After a tracker restart a seeder took ~50 s to be findable again (10 s plus a random 0-5 min, doubling); retried within ~3 s for two minutes, then once a minute.',
  },
  'offers-while-connecting': {
    touches: { 'bittorrent-tracker WebSocketTracker': ['_generateOffers()', '_createPeer()', 'socket', 'destroyed'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'Offers were made only once the tracker socket connected, each waiting for ICE gathering (~120 ms in Chromium): made while it connects, that wait leaves the path from link to first peer.',
  },
  'send-once-candidates-arrive': {
    touches: { 'simple-peer Peer': ['_pc', '_iceComplete', 'destroyed', 'emit()'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'A non-trickle offer or answer waited for Chromium to declare gathering complete, ~120 ms after its last candidate; it goes once every candidate kind the configuration can give has arrived.',
  },
  'quick-answers': {
    touches: { 'bittorrent-tracker WebSocketTracker': ['_createPeer()', 'client', 'destroyed'] },
    runtimes: ['node'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'libdatachannel refused an answer that came back within milliseconds of its offer ("remote candidate without ICE transport"): a first connection took ~11 s in 1 try of 7; 50 ms later, 0 of 60. A refused answer announces again at once.',
  },
  'wire-writes': {
    touches: { 'bittorrent-protocol Wire': ['_message()', '_push()', '_encryptor'] },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'Each Wire write is a data-channel message: a block crossed as two (glued back with a copy), and a refill sent hundreds of 17-byte requests as hundreds of messages (14 % more CPU for the same transfer).',
  },
  'short-request-pipelines': {
    touches: { 'webtorrent Torrent': ['_updateWire()', '_request()', '_selections'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'A seek waited ~0.6 s, twice, behind a second of blocks already requested; while a file streams a quarter second is kept in flight.',
  },
  'first-request': {
    touches: {
      'webtorrent Torrent': ['_updateWire()', '_request()', '_selections', '_critical', 'bitfield', 'done', 'pieces'],
    },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: "A peer's first request (one block, before it has sent any) was for the torrent's last piece, not the piece a stream or a private share's file list waits for: one round trip and a block more on every new connection (100 ms path).",
  },
  'urgent-pieces': {
    touches: {
      'webtorrent Torrent': [
        'critical()',
        '_select()',
        '_deselect()',
        '_updateWire()',
        '_request()',
        '_critical',
        '_selections',
        'wires',
        'bitfield',
        'pieceLength',
        'pieces',
        'done',
      ],
    },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: "The piece a player waited for was asked for after every piece before it in a higher selection (a seek to the file's end waited ~2.5 s for its tail), and from whichever connection refilled first, often one still in slow start (a seek's first piece came 2.3 s after it was asked for, after the ten behind it; 100 ms path, 0.5 % loss).",
  },
  'seeder-status': {
    touches: { 'bittorrent-protocol Wire': ['peerPieces', 'on()'] },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: "A peer that sent its pieces as 'have' messages in order was never counted a seeder (webtorrent compares the byte lengths of two bitfields, and the peer's grew past its own): a sender whose receiver had everything still said it was the only one with the whole file.",
  },
  'stream-selection': {
    touches: { 'webtorrent Torrent': ['_select()'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: "Players read a media file's end (its index) before they can seek; the public select() merges a range into the whole torrent's selection at its low priority, so the end is asked for at the stream's.",
  },
  'larger-blocks': {
    touches: {
      'torrent-piece Piece': [
        'init()',
        'chunkLength()',
        'chunkLengthRemaining()',
        'chunkOffset()',
        'set()',
        '_chunks',
        '_remainder',
        '_buffered',
        '_buffer',
        '_flushed',
        'length',
        'missing',
        'sources',
        'static BLOCK_LENGTH',
      ],
    },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: '64 KiB blocks instead of 16 KiB move the same bytes in a quarter of the messages: 256 MiB between two tabs took ~6 % less CPU and ran ~4 % faster.',
  },
  'skip-verifying-empty-store': {
    touches: { 'webtorrent Torrent': ['_hasStartupBitfield'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'A torrent new to this browser has nothing stored, yet its store was checked piece by piece first: ~0.6 s per 100 MB before the first byte.',
  },
  'piece-order': {
    touches: { 'webtorrent Torrent': ['strategy', '_rarityMap'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'In order with one peer, rarest first with several: four receivers then trade pieces, and the sender uploads 1.3 times the file instead of 3.8.',
  },
  'rarest-first-once': {
    touches: { 'webtorrent RarityMap': ['getRarestPiece()', '_pieces', '_torrent'] },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: "Each refill scanned every piece hundreds of times: ~30 % of each of four receivers' main threads. One sort per search instead.",
  },
  'webrtc-connections': {
    touches: {
      'webtorrent Torrent': ['_peers'],
      'webtorrent Peer': ['type', 'wire', 'conn'],
      'simple-peer Peer': ['_pc'],
    },
    runtimes: ['browser'],
    writtenFor: WEBTORRENT_VERSION,
    why: "Each peer's RTCPeerConnection: how it is routed (direct or relayed, shown to the person), and whether ICE lost it (dead-peers.ts: a receiver sat at 98-99 % for ~15 s when a peer's tab closed).",
  },
  'classic-dials': {
    touches: {
      'webtorrent WebTorrent': ['utp', 'maxConns', 'torrentPort', 'peerId', '_utpServer'],
      'webtorrent Torrent': [
        '_drain()',
        '_validAddr()',
        '_addPeer()',
        '_queue',
        '_numConns',
        '_numPending',
        'client',
        'destroyed',
        'paused',
      ],
      'webtorrent Peer': ['addr', 'type', 'conn', 'wire', 'source', 'destroyed', 'onConnect()', 'destroy()'],
    },
    runtimes: ['node'],
    writtenFor: WEBTORRENT_VERSION,
    why: "A classic peer was dialled over uTP four times (5 s timeouts, 1-15 s apart) before TCP: a TCP-only client (rTorrent) waited ~40 s per connection. Now TCP goes first and uTP 300 ms later unless TCP has connected or failed (both at once left Transmission unreachable for ~50 s in ~1 run of 4 under load), the one that connected is the only one redialled, and a peer that keeps dropping is redialled three times, not every second. The node's own LAN address, handed back by a tracker, was dialled too (webtorrent's self-check knows only 127.0.0.1).",
  },
  'bitfield-first': {
    touches: {
      'webtorrent Torrent': ['_onWire()', '_onWireWithMetadata()', 'ready', 'pieces'],
      'bittorrent-protocol Wire': ['_sendExtendedHandshake()', 'bitfield()', 'have()', 'haveAll()', 'haveNone()'],
    },
    runtimes: ['node'],
    writtenFor: WEBTORRENT_VERSION,
    why: 'BEP 3 allows the bitfield only first; webtorrent sent it after its extended handshake, and on a magnet after the metadata, when rTorrent dropped the very connection that had brought it.',
  },
  'webrtc-glare': {
    touches: {
      'webtorrent Torrent': ['_addPeer()', 'removePeer()', '_peers', 'client'],
      'simple-peer Peer': ['initiator', 'id'],
    },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: "Two peers offering to each other at once each kept the connection the other had destroyed as a duplicate: a browser's first contact with the hybrid node failed for >60 s once in ~130 runs. Both now keep the one offered by the smaller peer ID.",
  },
  'parallel-connections': {
    touches: {
      'webtorrent Torrent': ['_peers'],
      'webtorrent Peer': ['wire', 'conn'],
      'simple-peer Peer': ['config', 'destroyed', 'connected', '_pc'],
    },
    runtimes: ['browser', 'node'],
    writtenFor: WEBTORRENT_VERSION,
    why: "Not a fix but a feature on webtorrent's extension API (parallel/): an extra connection to a peer is made like that peer's first one, with the same simple-peer class and ICE configuration, which only the first connection holds; between browsers its signals go over a data channel of their own on the first connection's RTCPeerConnection.",
  },
  'node-end-of-candidates': {
    touches: { 'webrtc-polyfill RTCPeerConnection': ['dispatchEvent()', 'iceGatheringState'] },
    runtimes: ['node'],
    writtenFor: 'webrtc-polyfill 1.2 (node-datachannel 0.33)',
    why: "Node's WebRTC never fires the null icecandidate that ends gathering, so every offer and answer from Node waited out simple-peer's 5 s timeout.",
  },
} as const satisfies Record<string, Workaround>

export type WorkaroundId = keyof typeof WORKAROUNDS

/** The workarounds a runtime applies. */
export const workaroundsFor = (runtime: Runtime): WorkaroundId[] =>
  (Object.keys(WORKAROUNDS) as WorkaroundId[]).filter((id) =>
    (WORKAROUNDS[id].runtimes as readonly Runtime[]).includes(runtime),
  )
