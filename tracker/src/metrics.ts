import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { SwarmStats } from './stats.js'
import type { RejectionReason } from './ws/protocol.js'

/**
 * What the tracker counts. Plain numbers, bumped on every message; Prometheus reads them only when
 * scraped, so the hot path never touches prom-client's label maps.
 */
export class TrackerCounters {
  announces = 0
  scrapes = 0
  offersRelayed = 0
  answersRelayed = 0
  readonly rejections = new Map<RejectionReason, number>()

  reject(reason: RejectionReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1)
  }
}

export type TrackerGauges = SwarmStats & { sockets: number; redisUp: number }

/** The tracker's Prometheus metrics (`/metrics`): sockets, swarms, peers, traffic, refusals by reason, and Node's own. */
export class TrackerMetrics {
  readonly registry = new Registry()

  constructor(counters: TrackerCounters, gauges: () => TrackerGauges) {
    const registers = [this.registry]
    collectDefaultMetrics({ register: this.registry, prefix: 'swarmdrop_tracker_' })
    for (const [name, help, pick] of [
      ['swarmdrop_tracker_websockets', 'Open WebSocket connections.', (g: TrackerGauges) => g.sockets],
      ['swarmdrop_tracker_swarms', 'Swarms (torrents) with peers.', (g: TrackerGauges) => g.swarms],
      ['swarmdrop_tracker_peers', 'Peers in all swarms.', (g: TrackerGauges) => g.peers],
      ['swarmdrop_tracker_seeders', 'Seeders in all swarms.', (g: TrackerGauges) => g.seeders],
      [
        'swarmdrop_tracker_redis_up',
        'Whether Redis (REDIS_URL) is reachable; 0 also when it is not configured.',
        (g: TrackerGauges) => g.redisUp,
      ],
    ] as const) {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(pick(gauges()))
        },
      })
    }
    for (const [name, help, pick] of [
      ['swarmdrop_tracker_announces_total', 'WebSocket announces answered.', (c: TrackerCounters) => c.announces],
      ['swarmdrop_tracker_scrapes_total', 'WebSocket scrapes answered.', (c: TrackerCounters) => c.scrapes],
      [
        'swarmdrop_tracker_offers_relayed_total',
        'WebRTC offers relayed to a peer.',
        (c: TrackerCounters) => c.offersRelayed,
      ],
      [
        'swarmdrop_tracker_answers_relayed_total',
        'WebRTC answers relayed to a peer.',
        (c: TrackerCounters) => c.answersRelayed,
      ],
    ] as const) {
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset()
          this.inc(pick(counters))
        },
      })
    }
    new Counter({
      name: 'swarmdrop_tracker_rejections_total',
      help: 'Client messages and connections refused, by reason.',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        this.reset()
        for (const [reason, count] of counters.rejections) this.inc({ reason }, count)
      },
    })
  }
}
