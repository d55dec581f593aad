import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import { engineReport } from '@swarmdrop/engine'
import type { Direction, HybridNode, PeerKind } from './bridge.js'

/**
 * `--status-port`: GET /status (JSON, one entry per torrent) and GET /metrics (Prometheus): peers by
 * kind, bytes moved per kind and direction, so an operator sees how much crosses between the worlds;
 * and which of the engine's webtorrent workarounds run, and which a webtorrent upgrade made it skip.
 */
export async function startStatusServer(
  node: HybridNode,
  port: number,
  host = '127.0.0.1',
): Promise<{ port: number; close: () => Promise<void> }> {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'swarmdrop_hybrid_' })
  const bytes = new Counter({
    name: 'swarmdrop_hybrid_bytes_total',
    help: 'Bytes of torrent data moved, by peer kind and direction (in: received from that kind, out: sent to it).',
    labelNames: ['kind', 'direction'] as const,
    registers: [registry],
  })
  node.on('bytes', (kind: PeerKind, direction: Direction, count: number) => bytes.inc({ kind, direction }, count))
  new Gauge({
    name: 'swarmdrop_hybrid_peers',
    help: 'Connected peers by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      const totals: Record<PeerKind, number> = { webrtc: 0, tcp: 0, utp: 0 }
      for (const torrent of node.status())
        for (const kind of Object.keys(totals) as PeerKind[]) totals[kind] += torrent.peers[kind]
      for (const [kind, value] of Object.entries(totals)) this.set({ kind }, value)
    },
  })
  new Gauge({
    name: 'swarmdrop_hybrid_torrents',
    help: 'Torrents in this node.',
    registers: [registry],
    collect() {
      this.set(node.status().length)
    },
  })

  new Gauge({
    name: 'swarmdrop_hybrid_engine_mismatches',
    help: "The engine's workarounds skipped because webtorrent no longer has a member they touch (0 unless webtorrent changed).",
    registers: [registry],
    collect() {
      this.set(engineReport().mismatches.length)
    },
  })

  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    if (path === '/status') {
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(JSON.stringify({ torrents: node.status(), engine: engineReport() }))
    } else if (path === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry.contentType })
          res.end(text)
        },
        () => {
          res.writeHead(500)
          res.end()
        },
      )
    } else {
      res.writeHead(404, { 'Content-Type': 'application/json' })
      res.end('{"error":"Not found: try /status or /metrics"}')
    }
  })
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()))
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
