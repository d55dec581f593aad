import { Counter, Gauge, Registry } from 'prom-client'
import type { Keeper } from './keeper.js'

/** The keeper's figures for Prometheus; the tracker serves them with its own on /metrics. */
export function keeperMetrics(keeper: Keeper): Registry {
  const registry = new Registry()
  new Gauge({
    name: 'swarmdrop_keeper_shares',
    help: 'Shares the keeper holds, by state (fetching: still taking them from their sender).',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const { fetching, kept } = keeper.figures()
      this.set({ state: 'fetching' }, fetching)
      this.set({ state: 'kept' }, kept)
    },
  })
  new Gauge({
    name: 'swarmdrop_keeper_stored_bytes',
    help: 'Bytes of encrypted records the keeper holds on disk.',
    registers: [registry],
    collect() {
      this.set(keeper.figures().storedBytes)
    },
  })
  const uploaded = new Counter({
    name: 'swarmdrop_keeper_uploaded_bytes_total',
    help: 'Bytes the keeper has sent to peers.',
    registers: [registry],
  })
  keeper.node.on(
    'bytes',
    (_kind: string, direction: string, count: number) => direction === 'out' && uploaded.inc(count),
  )
  const refusals = new Counter({
    name: 'swarmdrop_keeper_refusals_total',
    help: 'Requests the keeper refused, and shares it dropped, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  })
  keeper.on('refused', (reason) => refusals.inc({ reason }))
  return registry
}
