import { randomBytes } from 'node:crypto'
import WebSocket from 'ws'

/**
 * A simulated WebTorrent peer on the WebSocket tracker: it announces (with fake SDP offers), receives
 * the offers and answers relayed to it, and can answer. Cheap enough to run thousands per process, for
 * the tracker's tests and the load benchmark.
 */

/** About the size of a real non-trickle offer with a few ICE candidates. */
export const FAKE_SDP = `v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n${'a=candidate:1 1 udp 2122260223 10.0.0.1 54321 typ host\r\n'.repeat(10)}`

export type TrackerMessage = Record<string, unknown> & {
  action?: string
  info_hash?: string
  'failure reason'?: string
}
export type AnnounceOptions = { offers?: number; left?: number; event?: 'started' | 'update' | 'completed' | 'stopped' }

export const randomId = (): string => randomBytes(20).toString('binary')

export class TrackerPeer {
  readonly peerId: string
  /** Offers relayed to this peer, newest last. */
  readonly offers: TrackerMessage[] = []
  readonly answers: TrackerMessage[] = []
  readonly failures: string[] = []
  private readonly waiting = new Map<string, Array<(message: TrackerMessage) => void>>()

  private constructor(
    readonly socket: WebSocket,
    peerId: string,
  ) {
    this.peerId = peerId
    socket.on('message', (data) => this.onMessage(JSON.parse(String(data)) as TrackerMessage))
    socket.on('error', () => {})
  }

  static connect(url: string, options: { peerId?: string; origin?: string } = {}): Promise<TrackerPeer> {
    const socket = new WebSocket(url, {
      headers: options.origin ? { Origin: options.origin } : {},
      perMessageDeflate: false,
    })
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TrackerPeer(socket, options.peerId ?? randomId())))
      socket.once('error', reject)
    })
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN
  }

  /** Announces in a swarm and resolves with the tracker's reply to it (or its failure). */
  announce(infoHash: string, options: AnnounceOptions = {}): Promise<TrackerMessage> {
    const offers = Array.from({ length: options.offers ?? 0 }, () => ({
      offer: { type: 'offer', sdp: FAKE_SDP },
      offer_id: randomId(),
    }))
    const reply = this.nextReply(infoHash)
    this.send({
      action: 'announce',
      info_hash: infoHash,
      peer_id: this.peerId,
      numwant: offers.length,
      left: options.left ?? 1000,
      event: options.event,
      offers,
    })
    return reply
  }

  answer(offer: TrackerMessage, overrides: Record<string, unknown> = {}): void {
    this.send({
      action: 'announce',
      info_hash: offer.info_hash,
      peer_id: this.peerId,
      to_peer_id: offer.peer_id,
      offer_id: offer.offer_id,
      answer: { type: 'answer', sdp: FAKE_SDP },
      ...overrides,
    })
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message))
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.close()
    })
  }

  private nextReply(infoHash: string): Promise<TrackerMessage> {
    return new Promise((resolve) => {
      const queue = this.waiting.get(infoHash)
      if (queue) queue.push(resolve)
      else this.waiting.set(infoHash, [resolve])
    })
  }

  private onMessage(message: TrackerMessage): void {
    if (message.offer) this.offers.push(message)
    else if (message.answer) this.answers.push(message)
    else if (message.info_hash !== undefined && (message.action === 'announce' || message.action === undefined)) {
      const queue = this.waiting.get(message.info_hash)
      const resolve = queue?.shift()
      if (queue?.length === 0) this.waiting.delete(message.info_hash)
      resolve?.(message)
    }
    if (message['failure reason']) this.failures.push(message['failure reason'])
  }
}
