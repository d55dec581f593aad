import { fits } from '../check.js'
import { selectedCandidatePair, type StatsEntry } from '../stats.js'
import { ConnectionGrowth, GROWTH_RULES, type GrowthRules } from './growth.js'
import {
  PARALLEL_EXTENSION,
  encodeParallelMessage,
  parseParallelMessage,
  type ParallelMessage,
  type Signal,
} from './messages.js'

/*
 * Several WebRTC connections to one peer on long paths (see growth.ts for when). The first
 * connection comes from the tracker as always; the others are signalled over it, with a BEP 10
 * extension both peers must announce, so a stock webtorrent peer never sees one. Each extra
 * connection is a whole BitTorrent connection of its own, added to the torrent like any WebRTC peer
 * (under an id of its own): webtorrent's piece picker then spreads requests over all of them.
 *
 * The side that wants pieces opens them, and only while they add throughput; the other side answers
 * up to a limit per peer and per torrent. Either side's limits make a hostile peer cost little.
 */

export type ParallelOptions = {
  /** Signals go over a data channel of their own beside the first connection's, where both sides offer it (the default). */
  controlChannel?: boolean
  /** Extra connections this side answers, per torrent (each peer's own limit is the growth max). */
  maxAnswered?: number
  rules?: Partial<GrowthRules>
}

const MAX_ANSWERED = 48
const TICK_MS = 250
const PING_EVERY_MS = 5_000
const ICE_RTT_EVERY_MS = 1_000

type Listener = (...args: never[]) => void
/** A simple-peer connection, as far as this uses it. */
type Connection = {
  id?: string
  config: object
  _pc?: RTCPeerConnection | null
  destroyed: boolean
  /** Whether its data channel is open. */
  readonly connected: boolean
  signal(signal: Signal): void
  destroy(): void
  on(event: string, listener: Listener): unknown
  once(event: string, listener: Listener): unknown
}
type ConnectionClass = new (options: { initiator: boolean; trickle: boolean; config: object }) => Connection
type Wire = {
  type?: string
  peerId?: string
  amInterested: boolean
  destroyed: boolean
  /** What this side's extended handshake carries besides the extensions (BEP 10). */
  extendedHandshake: Record<string, unknown>
  use(extension: unknown): void
  extended(name: string, bytes: Uint8Array): void
  on(event: string, listener: Listener): unknown
  once(event: string, listener: Listener): unknown
}
type WebrtcPeer = { id?: string; type?: string; wire?: Wire | null; conn?: Connection | null }
type Torrent = {
  destroyed: boolean
  done: boolean
  wires: ReadonlyArray<object>
  _peers: Map<string, WebrtcPeer> | null
  addPeer(connection: Connection): boolean
  on(event: string, listener: Listener): unknown
  once(event: string, listener: Listener): unknown
}

/** The id an extra connection is registered under: never a peer id (40 hex digits), never another's. */
const extraId = (peerId: string, opener: 'us' | 'them', connection: number) => `${peerId}/${opener}/${connection}`

/** The remote peer a connection registered under `id` leads to (an extra one's id starts with it). */
export const peerIdOfConnection = (id: string): string => id.split('/', 1)[0]!

/**
 * Signals sent on the first connection's wire wait behind the blocks already queued on it: an
 * answer took ~1.5 s at 100 ms and 0.5 % loss. A negotiated data channel of their own on the same
 * connection is a stream of its own in the same SCTP association, served between blocks. Each side
 * uses it once something came over it, which proves the other end exists (data on a stream with no
 * channel at the other end is dropped); until then, and where it cannot be made, the wire carries all.
 */
const CONTROL_CHANNEL = { label: 'swarmdrop-parallel', id: 1017 }
/** In the extended handshake: this side makes the control channel when the other side says so too. */
const CONTROL_CHANNEL_KEY = 'swarmdrop_control_channel'

/** Torrents a person watches while they download (a player, a preview). */
const watched = new WeakSet<object>()

/**
 * Says a person waits to see a file of `torrent` (a player or a preview opened on it): more
 * connections are then opened without measuring first whether they pay (growth.ts).
 */
export function watchingWhileDownloading(torrent: object): void {
  watched.add(torrent)
}

/** Every connection to one remote peer, and what is being signalled to it. */
class PeerGroup {
  readonly wires = new Set<Wire>()
  /** The wire signals go over: the first one that announced the extension. */
  signalling: Wire | null = null
  readonly opened = new Map<number, Connection>()
  readonly answered = new Map<number, Connection>()
  /** The first connection: extra ones are made like it. */
  template: Connection | null = null
  private nextConnection = 1
  bytes = 0
  rttMs: number | null = null
  /** The first connection's round trip as ICE measures it (its consent checks queue like data): now, and its smallest. */
  private iceRttMs: number | null = null
  private iceRttMinMs = Infinity
  private iceRttReadAtMs = -Infinity
  /** Whether a reading of ICE's statistics has come back (with a round trip or not). */
  private iceRttRead = false
  private pingSeq = 0
  private pingSentAt = new Map<number, number>()
  private lastPingMs = -Infinity
  readonly growth: ConnectionGrowth

  constructor(
    readonly peerId: string,
    rules: GrowthRules,
  ) {
    this.growth = new ConnectionGrowth(rules)
  }

  private control: RTCDataChannel | null = null
  private controlConfirmed = false

  send(message: ParallelMessage): boolean {
    const bytes = encodeParallelMessage(message)
    if (this.control?.readyState === 'open' && this.controlConfirmed) {
      try {
        this.control.send(bytes)
        return true
      } catch {
        // Closing: the wire takes it.
      }
    }
    const wire = this.signalling
    if (!wire || wire.destroyed) return false
    wire.extended(PARALLEL_EXTENSION, bytes)
    return true
  }

  openControlChannel(pc: RTCPeerConnection, onMessage: (bytes: Uint8Array) => void): void {
    if (this.control) return
    let channel: RTCDataChannel
    try {
      channel = pc.createDataChannel(CONTROL_CHANNEL.label, { negotiated: true, id: CONTROL_CHANNEL.id })
    } catch {
      return
    }
    this.control = channel
    channel.binaryType = 'arraybuffer'
    const hello = () => channel.readyState === 'open' && channel.send(encodeParallelMessage({ type: 'hello' }))
    channel.onopen = hello
    channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      if (!(data instanceof ArrayBuffer)) return
      // The first word from the other end: tell it this end exists too, in case its hello came too early.
      if (!this.controlConfirmed) hello()
      this.controlConfirmed = true
      onMessage(new Uint8Array(data))
    }
    channel.onclose = () => {
      if (this.control !== channel) return
      this.control = null
      this.controlConfirmed = false
    }
  }

  ping(nowMs: number): void {
    if (nowMs - this.lastPingMs < PING_EVERY_MS) return
    this.lastPingMs = nowMs
    this.pingSentAt.set(++this.pingSeq, nowMs)
    if (this.pingSentAt.size > 8) this.pingSentAt.delete(this.pingSeq - 8)
    this.send({ type: 'ping', seq: this.pingSeq })
  }

  pong(seq: number, nowMs: number): void {
    const sentAt = this.pingSentAt.get(seq)
    if (sentAt === undefined) return
    this.pingSentAt.delete(seq)
    this.rttMs = Math.min(this.rttMs ?? Infinity, nowMs - sentAt)
  }

  /**
   * The path's round trip: the smaller of ICE's and the pings' smallest. A ping waits behind what the
   * peer sends first (an upload limit held a first ping on loopback past 20 ms); ICE's checks do not.
   * Null until known, and while the first reading of ICE's is on its way.
   */
  get pathRttMs(): number | null {
    if (this.template?._pc && !this.iceRttRead) return null
    const smallest = Math.min(this.rttMs ?? Infinity, this.iceRttMinMs)
    return Number.isFinite(smallest) ? smallest : null
  }

  /** How far the path's round trip is above its smallest, from the first connection's statistics (null: unknown). */
  get queueMs(): number | null {
    return this.iceRttMs === null ? null : this.iceRttMs - this.iceRttMinMs
  }

  readIceRtt(nowMs: number): void {
    const pc = this.template?._pc
    if (!pc || nowMs - this.iceRttReadAtMs < ICE_RTT_EVERY_MS) return
    this.iceRttReadAtMs = nowMs
    Promise.resolve()
      .then(() => pc.getStats())
      .then((stats) => {
        this.iceRttRead = true
        const rttMs = selectedRoundTripMs(stats)
        if (rttMs === null) return
        this.iceRttMs = rttMs
        this.iceRttMinMs = Math.min(this.iceRttMinMs, rttMs)
      })
      .catch(() => (this.iceRttRead = true))
  }

  newConnectionNumber(): number {
    return this.nextConnection++
  }
}

/** Opens and answers extra connections for one torrent, for as long as it lives. */
export function connectInParallel(torrent: object, options: ParallelOptions = {}): void {
  const subject = torrent as Torrent
  const rules: GrowthRules = { ...GROWTH_RULES, ...options.rules }
  const maxAnswered = options.maxAnswered ?? MAX_ANSWERED
  const controlChannel = options.controlChannel ?? true
  const receive = (group: PeerGroup, bytes: Uint8Array) => {
    const parsed = parseParallelMessage(bytes)
    if (parsed.ok && !subject.destroyed) onMessage(group, parsed.message)
  }
  const groups = new Map<string, PeerGroup>()
  const now = () => performance.now()

  const groupOf = (peerId: string) => {
    let group = groups.get(peerId)
    if (!group) groups.set(peerId, (group = new PeerGroup(peerId, rules)))
    return group
  }
  const forgetIfGone = (group: PeerGroup) => {
    if (group.wires.size === 0 && group.opened.size === 0 && group.answered.size === 0) groups.delete(group.peerId)
  }
  const answeredCount = () => [...groups.values()].reduce((sum, group) => sum + group.answered.size, 0)

  /** The simple-peer connection under a wire, if its class has what an extra connection is made from. */
  const connectionOf = (wire: Wire): Connection | null => {
    if (!fits('parallel-connections', 'webtorrent Torrent', subject)) return null
    for (const peer of subject._peers?.values() ?? []) {
      if (peer.wire !== wire || !fits('parallel-connections', 'webtorrent Peer', peer)) continue
      return peer.conn && fits('parallel-connections', 'simple-peer Peer', peer.conn) ? peer.conn : null
    }
    return null
  }

  /** A connection of the same class and configuration as the first: same ICE servers, same relay policy. */
  const newConnection = (group: PeerGroup, initiator: boolean): Connection | null => {
    const template = group.template
    if (!template) return null
    const Class = template.constructor as ConnectionClass
    return new Class({ initiator, trickle: true, config: template.config })
  }

  const register = (
    group: PeerGroup,
    connection: Connection,
    id: string,
    table: Map<number, Connection>,
    n: number,
  ) => {
    connection.id = id
    table.set(n, connection)
    // simple-peer reports a connection that died on its own (the other side closed it) with 'error'
    // alone: its 'close' comes only when it was destroyed from outside.
    const forget = () => {
      if (table.get(n) !== connection) return
      table.delete(n)
      group.growth.changed(now())
      forgetIfGone(group)
    }
    connection.once('close', forget)
    connection.on('error', forget) // webtorrent's own listener drops the peer
    if (subject.destroyed || !subject.addPeer(connection)) connection.destroy()
  }

  const open = (group: PeerGroup) => {
    const connection = newConnection(group, true)
    if (!connection) return
    const n = group.newConnectionNumber()
    connection.on('signal', (signal: Signal) => group.send({ type: 'signal', connection: n, opener: 'mine', signal }))
    register(group, connection, extraId(group.peerId, 'us', n), group.opened, n)
  }

  /**
   * Closes `count` of the connections this side opened and that are up, newest first, and every one
   * still connecting: fewer are wanted. (Those left connecting came up seconds later, after a
   * queue had closed the others, and kept the link full.)
   */
  const closeNewest = (group: PeerGroup, count: number) => {
    const newestFirst = [...group.opened.entries()].sort(([a], [b]) => b - a).map(([, connection]) => connection)
    for (const connection of newestFirst) if (!connection.connected) connection.destroy()
    for (const connection of newestFirst.filter((up) => up.connected).slice(0, count)) connection.destroy()
  }

  const onMessage = (group: PeerGroup, message: ParallelMessage) => {
    switch (message.type) {
      case 'hello':
        return
      case 'ping':
        group.send({ type: 'pong', seq: message.seq })
        return
      case 'pong':
        group.pong(message.seq, now())
        return
      case 'refuse':
        group.opened.get(message.connection)?.destroy()
        return
      case 'signal': {
        const { connection: n, signal } = message
        if (message.opener === 'yours') {
          group.opened.get(n)?.signal(signal)
          return
        }
        const known = group.answered.get(n)
        if (known) return known.signal(signal)
        if (signal.type !== 'offer') return
        if (group.answered.size >= rules.max - 1 || answeredCount() >= maxAnswered) {
          group.send({ type: 'refuse', connection: n })
          return
        }
        const connection = newConnection(group, false)
        if (!connection) return
        connection.on('signal', (answer: Signal) =>
          group.send({ type: 'signal', connection: n, opener: 'yours', signal: answer }),
        )
        register(group, connection, extraId(group.peerId, 'them', n), group.answered, n)
        connection.signal(signal)
      }
    }
  }

  class ParallelExtension {
    constructor(private readonly wire: Wire) {}

    onExtendedHandshake(handshake: { m?: Record<string, unknown>; [CONTROL_CHANNEL_KEY]?: unknown }) {
      const peerId = this.wire.peerId
      if (!peerId || !handshake.m || !(PARALLEL_EXTENSION in handshake.m)) return
      const group = groupOf(peerId)
      if (!group.signalling || group.signalling.destroyed) group.signalling = this.wire
      const pc = group.template?._pc
      if (controlChannel && handshake[CONTROL_CHANNEL_KEY] === 1 && pc)
        group.openControlChannel(pc, (bytes) => receive(group, bytes))
      // Before any piece is asked for: a ping behind a queue of blocks would measure the queue.
      group.ping(now())
      group.readIceRtt(now())
    }

    onMessage(bytes: Uint8Array) {
      const peerId = this.wire.peerId
      const group = peerId ? groups.get(peerId) : undefined
      if (group) receive(group, bytes)
    }
  }
  ;(ParallelExtension.prototype as { name?: string }).name = PARALLEL_EXTENSION

  subject.on('wire', (wire: Wire) => {
    if (wire.type !== 'webrtc' || !wire.peerId) return
    wire.use(ParallelExtension)
    if (controlChannel) wire.extendedHandshake[CONTROL_CHANNEL_KEY] = 1
    const group = groupOf(wire.peerId)
    group.wires.add(wire)
    group.template ??= connectionOf(wire)
    group.growth.changed(now())
    wire.on('download', (bytes: number) => (group.bytes += bytes))
    wire.once('close', () => {
      group.wires.delete(wire)
      group.growth.changed(now())
      if (group.signalling === wire) group.signalling = [...group.wires].find((other) => !other.destroyed) ?? null
      forgetIfGone(group)
    })
  })

  const tick = () => {
    if (subject.destroyed) return clearInterval(timer)
    const nowMs = now()
    for (const group of groups.values()) {
      if (!group.signalling) continue
      const wanted = !subject.done && [...group.wires].some((wire) => wire.amInterested)
      if (wanted) {
        group.ping(nowMs)
        group.readIceRtt(nowMs)
      }
      const decision = group.growth.update({
        nowMs,
        bytes: group.bytes,
        rttMs: group.pathRttMs,
        connected: group.wires.size,
        wanted,
        streaming: watched.has(subject),
        queueMs: group.queueMs,
      })
      if (decision && 'open' in decision) for (let i = 0; i < decision.open; i++) open(group)
      if (decision && 'close' in decision) closeNewest(group, decision.close)
    }
  }
  const timer = setInterval(tick, TICK_MS)
  // Once everything is here, the extra connections this side opened have nothing left to carry.
  subject.on('done', () => {
    for (const group of groups.values()) closeNewest(group, group.opened.size)
  })
  subject.once('close', () => clearInterval(timer))
}

/** The selected candidate pair's current round trip, in ms (null where the browser does not give it). */
function selectedRoundTripMs(stats: RTCStatsReport): number | null {
  const seconds = selectedCandidatePair(stats.values() as Iterable<StatsEntry>)?.pair.currentRoundTripTime
  return typeof seconds === 'number' && Number.isFinite(seconds) ? seconds * 1000 : null
}

/** The number of distinct peers among the torrent's connections (several may lead to one peer). */
export function connectedPeerCount(torrent: { wires?: ReadonlyArray<unknown> | null }): number {
  const peers = new Set<string>()
  let anonymous = 0
  for (const wire of torrent.wires ?? []) {
    const peerId = (wire as { peerId?: string }).peerId
    if (peerId) peers.add(peerId)
    else anonymous++
  }
  return peers.size + anonymous
}
