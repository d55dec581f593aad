import { EventEmitter } from 'node:events'
import type { Duplex } from 'node:stream'
import type { WebSocket } from 'ws'
import type { TrackerCounters } from '../metrics.js'
import type { Delivery, RedisDirectory } from '../scale/redis-directory.js'
import type { SwarmStats } from '../stats.js'
import type { TrackerLimits } from './limits.js'
import {
  announceReply,
  failureReply,
  parseTrackerRequest,
  relayedAnswer,
  relayedOffer,
  scrapeReply,
  type AnnounceRequest,
  type Answer,
  type Offer,
  type Refusal,
  type RejectionReason,
  type ScrapeRequest,
  type SessionDescription,
} from './protocol.js'
import { OfferLedger } from './offer-ledger.js'
import { Swarm, type Peer } from './swarm.js'
import { TokenBucket } from './token-bucket.js'

/** One open WebSocket and what the tracker knows about it. */
class Connection {
  /** Swarm memberships, keyed by info hash + peer ID (one tab may run several clients on one socket). */
  readonly memberships = new Map<string, Swarm<Connection>>()
  /** Announces waiting for this connection to close and free a peer ID (see ownerClosed). */
  readonly closeWaiters = new Set<() => void>()
  /** Offers relayed to this connection, for checking its answers. */
  readonly offers = new OfferLedger()
  readonly announceRate: TokenBucket
  readonly offerRate: TokenBucket
  lastMessageAtMs: number
  invalidMessages = 0
  closed = false
  /** The event-loop turn this connection was last sent a message in (see WebSocketTracker.send). */
  sentInTurn = -1
  /** Writes are being held until the end of this event-loop turn. */
  corked = false
  /** It had more than the limit unread when this turn began: messages to it are dropped this turn. */
  slow = false

  constructor(
    readonly socket: WebSocket,
    /** The TCP socket under it, when known: corked to coalesce writes. */
    readonly stream: Duplex | null,
    readonly address: string,
    limits: TrackerLimits,
    nowMs: number,
  ) {
    this.announceRate = new TokenBucket(limits.announcesPerSocketPerMinute, nowMs)
    this.offerRate = new TokenBucket(limits.offersPerSocketPerMinute, nowMs)
    this.lastMessageAtMs = nowMs
  }
}

/** Emitted as `relayed` for each offer and answer passed on, when anybody listens (tests, debugging). */
export type RelayedSignal = { infoHash: string; sdp: SessionDescription }

export type WebSocketTrackerOptions = {
  limits: TrackerLimits
  intervalS: number
  counters: TrackerCounters
  /** Swarms shared with other instances through Redis; without it, this process's swarms are all there is. */
  directory?: RedisDirectory
  now?: () => number
}

/**
 * The WebSocket tracker browsers use: swarms of WebRTC peers and the offers and answers they trade.
 * Written for this project rather than taken from bittorrent-tracker (which still serves HTTP and UDP),
 * to parse each message once, enforce per-socket limits, check answers against the offers really
 * relayed, bound what a slow reader can make it buffer, and stay fast with 15,000 sockets.
 * Emits `rejected` ({ reason, detail, address }) for refused client input (never throws on it), and
 * `relayed` (a RelayedSignal) for every offer and answer passed on.
 */
export class WebSocketTracker extends EventEmitter {
  private readonly swarms = new Map<string, Swarm<Connection>>()
  private readonly connections = new Set<Connection>()
  private readonly corked: Connection[] = []
  /** Counts event-loop turns in which something was sent. */
  private turn = 0
  private turnEnding = false
  private readonly sweepTimer: NodeJS.Timeout
  private readonly limits: TrackerLimits
  private readonly intervalS: number
  private readonly counters: TrackerCounters
  private readonly now: () => number
  private readonly directory: RedisDirectory | null
  private destroyed = false

  constructor(options: WebSocketTrackerOptions) {
    super()
    this.limits = options.limits
    this.intervalS = options.intervalS
    this.counters = options.counters
    this.now = options.now ?? Date.now
    this.directory = options.directory ?? null
    this.directory?.on('delivery', (delivery: Delivery) => this.deliverHere(delivery))
    // Back after an outage (or a Redis restart that lost everything): tell it who is here again.
    this.directory?.on('state', (state: string) => state === 'up' && this.rejoinAll())
    const idleMs = this.limits.idleTimeoutS * 1000
    this.sweepTimer = setInterval(() => this.closeIdle(idleMs), Math.max(1000, idleMs / 4))
    this.sweepTimer.unref()
  }

  get socketCount(): number {
    return this.connections.size
  }

  stats(): SwarmStats {
    let seeders = 0
    let peers = 0
    for (const swarm of this.swarms.values()) {
      seeders += swarm.complete
      peers += swarm.size
    }
    return { swarms: this.swarms.size, peers, seeders, leechers: peers - seeders }
  }

  /**
   * Takes over an upgraded socket; `address` is the client's IP (for limits and opt-in logs), `stream`
   * the TCP socket it runs on.
   */
  accept(socket: WebSocket, address: string, stream: Duplex | null = null): void {
    if (this.destroyed) {
      socket.terminate()
      return
    }
    const connection = new Connection(socket, stream, address, this.limits, this.now())
    this.connections.add(connection)
    socket.on('message', (data: Buffer) => this.onMessage(connection, data))
    socket.on('error', () => socket.terminate())
    socket.once('close', () => this.onClose(connection))
  }

  /**
   * Closes every socket with `code` and `reason` (1012 tells clients the service is restarting);
   * resolves once every client has acknowledged.
   */
  closeAll(code: number, reason: string): Promise<void> {
    const closed = [...this.connections].map(
      (connection) => new Promise((resolve) => connection.socket.once('close', resolve)),
    )
    for (const connection of this.connections) connection.socket.close(code, reason)
    return Promise.all(closed).then(() => {})
  }

  destroy(): void {
    if (this.destroyed) return
    this.destroyed = true
    clearInterval(this.sweepTimer)
    for (const connection of this.connections) connection.socket.terminate()
  }

  private onMessage(connection: Connection, data: Buffer): void {
    if (connection.closed) return
    connection.lastMessageAtMs = this.now()
    const parsed = parseTrackerRequest(data.toString(), this.limits)
    if (!parsed.ok) return this.refuse(connection, parsed)
    const request = parsed.request
    if (request.action === 'scrape') return this.onScrape(connection, request)
    if (request.answer) return this.onAnswer(connection, request)
    this.onAnnounce(connection, request)
  }

  private onAnnounce(connection: Connection, request: AnnounceRequest): void {
    const nowMs = connection.lastMessageAtMs
    const context = { action: 'announce', infoHash: request.infoHash } as const
    if (!connection.announceRate.take(1, nowMs)) {
      return this.refuse(
        connection,
        { reason: 'announce-rate', detail: 'Too many announces on this connection; slow down.' },
        context,
      )
    }
    if (request.offers.length > 0 && !connection.offerRate.take(request.offers.length, nowMs)) {
      return this.refuse(
        connection,
        { reason: 'offer-rate', detail: 'Too many offers on this connection; slow down.' },
        context,
      )
    }
    this.admitAnnounce(connection, request, { mayWait: true })
  }

  /**
   * A peer ID belongs to the connection that announced it while that connection is open: nobody else
   * may take its offers or make it leave. The same client may hand over, though: bittorrent-tracker's
   * client opens a new socket while it still closes the old one (for up to a second), so an announce
   * whose ID another open connection holds waits up to PEER_ID_HANDOVER_MS for that one to close.
   */
  private admitAnnounce(connection: Connection, request: AnnounceRequest, { mayWait }: { mayWait: boolean }): void {
    const context = { action: 'announce', infoHash: request.infoHash } as const
    const key = request.infoHash + request.peerId
    let swarm = this.swarms.get(request.infoHash)
    const owner = swarm?.get(request.peerId)?.connection
    if (owner && owner !== connection && !owner.closed) {
      if (!mayWait) return this.refuse(connection, PEER_ID_TAKEN, context)
      return void ownerClosed(owner, PEER_ID_HANDOVER_MS).then(
        () => !connection.closed && !this.destroyed && this.admitAnnounce(connection, request, { mayWait: false }),
      )
    }

    if (request.event === 'stopped') {
      if (swarm?.get(request.peerId)?.connection === connection) this.leave(swarm, request.infoHash, request.peerId)
      connection.memberships.delete(key)
      this.counters.announces++
      this.send(
        connection,
        announceReply(request.infoHash, this.intervalS, swarm?.complete ?? 0, swarm?.incomplete ?? 0),
      )
      return
    }

    if (!connection.memberships.has(key) && connection.memberships.size >= this.limits.maxSwarmsPerSocket) {
      return this.refuse(
        connection,
        {
          reason: 'too-many-swarms',
          detail: `One connection may join at most ${this.limits.maxSwarmsPerSocket} swarms.`,
        },
        context,
      )
    }
    if (!swarm) {
      swarm = new Swarm<Connection>()
      this.swarms.set(request.infoHash, swarm)
    }
    const { peer, movedFrom } = swarm.upsert(
      request.peerId,
      connection,
      request.left === 0 || request.event === 'completed',
    )
    movedFrom?.memberships.delete(key)
    connection.memberships.set(key, swarm)
    this.counters.announces++
    if (this.directory?.state === 'up')
      void this.announceAcrossInstances(this.directory, connection, swarm, peer, request)
    else this.announceHere(connection, swarm, peer, request)
  }

  /** Answers from this instance's swarm alone and relays the offers to its peers. */
  private announceHere(
    connection: Connection,
    swarm: Swarm<Connection>,
    peer: Peer<Connection>,
    request: AnnounceRequest,
  ): void {
    this.send(connection, announceReply(request.infoHash, this.intervalS, swarm.complete, swarm.incomplete))
    if (request.offers.length > 0) this.relayOffers(swarm, peer, request)
  }

  /**
   * With Redis: counts and offer targets come from every instance's peers; offers for peers on other
   * instances go through their channel. If Redis fails mid-way, this instance's own peers still answer.
   */
  private async announceAcrossInstances(
    directory: RedisDirectory,
    connection: Connection,
    swarm: Swarm<Connection>,
    peer: Peer<Connection>,
    request: AnnounceRequest,
  ): Promise<void> {
    let result
    try {
      result = await directory.announce(request.infoHash, request.peerId, peer.complete, request.offers.length)
    } catch {
      return this.announceHere(connection, swarm, peer, request)
    }
    if (result === 'taken') {
      // Another instance holds this peer ID on an open connection.
      if (swarm.get(peer.id) === peer && peer.connection === connection)
        this.leave(swarm, request.infoHash, peer.id, { here: true })
      connection.memberships.delete(request.infoHash + request.peerId)
      return this.refuse(connection, PEER_ID_TAKEN, { action: 'announce', infoHash: request.infoHash })
    }
    this.send(connection, announceReply(request.infoHash, this.intervalS, result.complete, result.incomplete))
    result.targets.forEach((target, i) => {
      const offer = request.offers[i]!
      const delivery: Delivery = {
        infoHash: request.infoHash,
        toPeerId: target.peerId,
        message: relayedOffer(request.infoHash, request.peerId, offer),
        offerKey: offerKey(offer, request),
      }
      if (target.instanceId !== directory.instanceId) directory.deliver(target.instanceId, delivery)
      else if (!this.deliverHere(delivery)) return
      this.relayed('offer', request.infoHash, offer.offer)
    })
  }

  /** Hands an offer or answer to a peer whose socket is on this instance; false if it is not (any more). */
  private deliverHere(delivery: Delivery): boolean {
    const target = this.swarms.get(delivery.infoHash)?.get(delivery.toPeerId)
    if (!target || !this.send(target.connection, delivery.message)) return false
    if (delivery.offerKey) target.connection.offers.record(delivery.offerKey)
    return true
  }

  private rejoinAll(): void {
    for (const [infoHash, swarm] of this.swarms) {
      for (const peer of swarm.peers()) this.directory?.announce(infoHash, peer.id, peer.complete, 0).catch(() => {})
    }
  }

  private relayOffers(swarm: Swarm<Connection>, from: Peer<Connection>, request: AnnounceRequest): void {
    const targets = swarm.sample(request.offers.length, from)
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i]!.connection
      const offer = request.offers[i]!
      if (this.send(target, relayedOffer(request.infoHash, request.peerId, offer))) {
        target.offers.record(offerKey(offer, request))
        this.relayed('offer', request.infoHash, offer.offer)
      }
    }
  }

  private onAnswer(connection: Connection, request: AnnounceRequest): void {
    const answer = request.answer!
    if (!connection.offers.take(answer.offerId + request.infoHash + answer.toPeerId)) {
      return this.refuse(
        connection,
        { reason: 'unsolicited-answer', detail: 'This answer is for an offer this connection was never sent.' },
        { action: 'announce', infoHash: request.infoHash },
      )
    }
    // The offering peer may be on another instance, or have left since (then the answer has nowhere to go).
    const delivery: Delivery = {
      infoHash: request.infoHash,
      toPeerId: answer.toPeerId,
      message: relayedAnswer(request.infoHash, request.peerId, answer),
    }
    if (this.deliverHere(delivery)) this.relayed('answer', request.infoHash, answer.answer)
    else if (this.directory?.state === 'up') void this.answerAcrossInstances(this.directory, delivery, answer)
  }

  private async answerAcrossInstances(directory: RedisDirectory, delivery: Delivery, answer: Answer): Promise<void> {
    const home = await directory.homeOf(delivery.infoHash, delivery.toPeerId).catch(() => null)
    if (!home || home === directory.instanceId) return
    directory.deliver(home, delivery)
    this.relayed('answer', delivery.infoHash, answer.answer)
  }

  /** Counts an offer or answer passed on, and tells whoever listens. */
  private relayed(kind: 'offer' | 'answer', infoHash: string, sdp: SessionDescription): void {
    if (kind === 'offer') this.counters.offersRelayed++
    else this.counters.answersRelayed++
    if (this.listenerCount('relayed') > 0) this.emit('relayed', { infoHash, sdp } satisfies RelayedSignal)
  }

  private onScrape(connection: Connection, request: ScrapeRequest): void {
    const files: Record<string, { complete: number; incomplete: number; downloaded: number }> = {}
    for (const infoHash of request.infoHashes) {
      const swarm = this.swarms.get(infoHash)
      files[infoHash] = {
        complete: swarm?.complete ?? 0,
        incomplete: swarm?.incomplete ?? 0,
        downloaded: swarm?.complete ?? 0,
      }
    }
    this.counters.scrapes++
    this.send(connection, scrapeReply(files, this.intervalS))
  }

  /**
   * Sends unless the reader is too far behind (a dropped offer only means one fewer connection attempt).
   * A second message to the same socket in one event-loop turn corks it until the turn ends, so what
   * many announces send it leaves in one system call (one write per message was most of the tracker's
   * CPU). The first message goes out at once: corking a socket that gets one message only costs.
   * Whether a reader is slow is judged by what it left unread before this turn, not by what this turn
   * corked for it; what one turn adds is bounded by what clients sent in that turn.
   */
  private send(connection: Connection, message: string): boolean {
    if (connection.closed) return false
    if (!this.turnEnding) {
      this.turnEnding = true
      setImmediate(this.endTurn)
    }
    if (connection.sentInTurn !== this.turn) {
      connection.sentInTurn = this.turn
      connection.slow = connection.socket.bufferedAmount > this.limits.maxBufferedBytesPerSocket
    } else if (connection.stream && !connection.corked && !connection.slow) {
      connection.stream.cork()
      connection.corked = true
      this.corked.push(connection)
    }
    if (connection.slow) {
      this.count(connection, 'slow-reader', 'Messages to a slow reader dropped.')
      return false
    }
    connection.socket.send(message)
    return true
  }

  private readonly endTurn = (): void => {
    this.turn++
    this.turnEnding = false
    for (const connection of this.corked) {
      connection.corked = false
      connection.stream!.uncork()
    }
    this.corked.length = 0
  }

  private refuse(
    connection: Connection,
    refusal: Refusal,
    context: { action?: 'announce' | 'scrape'; infoHash?: string } = {},
  ): void {
    this.count(connection, refusal.reason, refusal.detail)
    this.send(connection, failureReply(refusal.detail, context))
    // Rate limits are a client being busy; malformed messages are a client being broken or hostile.
    if (refusal.reason === 'announce-rate' || refusal.reason === 'offer-rate') return
    if (++connection.invalidMessages >= this.limits.maxInvalidMessagesPerSocket) {
      this.count(connection, 'too-many-invalid', 'Connection closed after too many invalid messages.')
      connection.socket.close(1008, 'Too many invalid messages')
      connection.closed = true
    }
  }

  private count(connection: Connection, reason: RejectionReason, detail: string): void {
    this.counters.reject(reason)
    this.emit('rejected', { reason, detail, address: connection.address })
  }

  private onClose(connection: Connection): void {
    connection.closed = true
    this.connections.delete(connection)
    for (const [key, swarm] of connection.memberships) {
      const peerId = key.slice(20)
      // Only if the peer is still reached through this connection (not moved to a newer one).
      if (swarm.get(peerId)?.connection === connection) this.leave(swarm, key.slice(0, 20), peerId)
    }
    connection.memberships.clear()
    for (const waiter of connection.closeWaiters) waiter()
  }

  private leave(swarm: Swarm<Connection>, infoHash: string, peerId: string, { here = false } = {}): void {
    swarm.remove(peerId)
    if (!here) this.directory?.leave(infoHash, peerId)
    if (swarm.size === 0) this.swarms.delete(infoHash)
  }

  private closeIdle(idleMs: number): void {
    const cutoffMs = this.now() - idleMs
    for (const connection of this.connections) {
      if (connection.lastMessageAtMs >= cutoffMs || connection.closed) continue
      this.count(connection, 'idle', 'Connection closed after being idle.')
      connection.socket.close(4000, 'Idle timeout')
      connection.closed = true
    }
  }
}

const PEER_ID_TAKEN: Refusal = { reason: 'peer-id-taken', detail: 'This peer ID is in use by another open connection.' }
/** How long an announce waits for the open connection that holds its peer ID to close (a client handing over). */
const PEER_ID_HANDOVER_MS = 2_000

/** Settles once the connection has closed (and let go of its peer IDs), or after `ms`, whichever comes first. */
function ownerClosed(owner: Connection, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(timer)
      owner.closeWaiters.delete(settle)
      resolve()
    }
    const timer = setTimeout(settle, ms)
    owner.closeWaiters.add(settle)
  })
}

/** What identifies a relayed offer in the receiving connection's ledger: its ID, the swarm and the offering peer. */
function offerKey(offer: Offer, request: AnnounceRequest): string {
  return offer.offerId + request.infoHash + request.peerId
}
