import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { SwarmStats } from './stats.js'
import type { RejectionReason } from './ws-guard.js'

/** The tracker's Prometheus metrics (`/metrics`): sockets, swarms, peers, traffic and refusals by reason. */
export class TrackerMetrics {
  readonly registry = new Registry()
  private readonly sockets = new Gauge({ name: 'swarmdrop_tracker_websockets', help: 'Open WebSocket connections.', registers: [this.registry] })
  private readonly messages = new Counter({ name: 'swarmdrop_tracker_ws_messages_total', help: 'WebSocket tracker messages accepted.', registers: [this.registry] })
  private readonly offers = new Counter({ name: 'swarmdrop_tracker_offers_total', help: 'WebRTC offers received for relaying.', registers: [this.registry] })
  private readonly answers = new Counter({ name: 'swarmdrop_tracker_answers_total', help: 'WebRTC answers received for relaying.', registers: [this.registry] })
  private readonly rejections = new Counter({
    name: 'swarmdrop_tracker_rejections_total',
    help: 'Client messages refused, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  })

  constructor(stats: () => SwarmStats) {
    collectDefaultMetrics({ register: this.registry, prefix: 'swarmdrop_tracker_' })
    for (const [name, help, pick] of [
      ['swarmdrop_tracker_swarms', 'Swarms (torrents) with peers.', (s: SwarmStats) => s.swarms],
      ['swarmdrop_tracker_peers', 'Peers in all swarms.', (s: SwarmStats) => s.peers],
      ['swarmdrop_tracker_seeders', 'Seeders in all swarms.', (s: SwarmStats) => s.seeders],
    ] as const) {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(pick(stats())) } })
    }
  }

  socketOpened(): void {
    this.sockets.inc()
  }

  socketClosed(): void {
    this.sockets.dec()
  }

  accepted(offers: number, answer: boolean): void {
    this.messages.inc()
    if (offers > 0) this.offers.inc(offers)
    if (answer) this.answers.inc()
  }

  rejected(reason: RejectionReason | 'too-many-invalid' | 'origin' | 'rate-limit'): void {
    this.rejections.inc({ reason })
  }
}
