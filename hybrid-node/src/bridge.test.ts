import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { AddressInfo } from 'node:net'
import { Server } from 'bittorrent-tracker'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import WebTorrent from 'webtorrent'
import { HybridNode } from './bridge.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('HybridNode and the tracker', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmdrop-hybrid-'))
    await writeFile(join(dir, 'index.html'), '<!doctype html>')
    await writeFile(join(dir, 'shared.bin'), Buffer.alloc(64 * 1024, 7))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('re-announces within seconds of a tracker restart', async () => {
    let server = new SwarmdropServer(localServerConfig({ webRoot: dir }))
    const { port } = await server.listen()
    const node = new HybridNode({ trackers: [`ws://127.0.0.1:${port}/announce`], dht: false, utp: false })
    try {
      await node.seed([join(dir, 'shared.bin')])
      const inSwarm = async (limitMs: number) => {
        const deadline = Date.now() + limitMs
        while (server.stats().peers === 0) {
          if (Date.now() > deadline) return false
          await sleep(25)
        }
        return true
      }
      assert.ok(await inSwarm(10_000), 'the node announced')

      await server.close()
      server = new SwarmdropServer(localServerConfig({ webRoot: dir, port }))
      await server.listen()
      const backAtMs = Date.now()
      assert.ok(await inSwarm(5_000), 'the node is back in the swarm within 5 s')
      assert.ok(Date.now() - backAtMs < 5_000)
    } finally {
      await node.destroy()
      await server.close()
    }
  })

  it('counts as a leecher, not a seeder, while it waits for a magnet link’s metadata, on a stock tracker too', async () => {
    // Swarmdrop's tracker reads a `left` it cannot parse as unknown; bittorrent-tracker's reads it as 0.
    const stock = new Server({ udp: false, http: false, ws: true, stats: false })
    await new Promise<void>((resolve) => stock.listen(0, '127.0.0.1', () => resolve()))
    const { port } = (stock as unknown as { ws: { address(): AddressInfo } }).ws.address()
    const node = new HybridNode({ trackers: [`ws://127.0.0.1:${port}`], dht: false, utp: false })
    const infoHash = 'ab'.repeat(20)
    try {
      // Nobody has this torrent: its metadata never comes, and the node keeps waiting.
      void node.add({ kind: 'link', link: { infoHash, trackers: [] } }, join(dir, 'out')).catch(() => {})
      const deadline = Date.now() + 10_000
      while (!stock.torrents[infoHash] && Date.now() < deadline) await sleep(25)
      assert.deepEqual([stock.torrents[infoHash]?.complete, stock.torrents[infoHash]?.incomplete], [0, 1])
    } finally {
      await node.destroy()
      await new Promise<void>((resolve) => stock.close(() => resolve()))
    }
  })

  it('has been listed by every tracker when announced() resolves, so a client asking at once finds it', async () => {
    const stock = new Server({ udp: false, http: true, ws: true, stats: false })
    await new Promise<void>((resolve) => stock.listen(0, '127.0.0.1', () => resolve()))
    const { port } = (stock as unknown as { http: { address(): AddressInfo } }).http.address()
    const trackers = [`http://127.0.0.1:${port}/announce`, `ws://127.0.0.1:${port}`]
    const node = new HybridNode({ trackers, dht: false, utp: false })
    try {
      const torrent = await node.seed([join(dir, 'shared.bin')])
      await node.announced(torrent)
      // Both announces (one per tracker) have reached the swarm: the HTTP one and the WebSocket one.
      const swarm = stock.torrents[torrent.infoHash] as { peers: { length: number } } | undefined
      assert.equal(swarm?.peers.length, 2)
    } finally {
      await node.destroy()
      await new Promise<void>((resolve) => stock.close(() => resolve()))
    }
  })

  it('takes its ICE servers from the app, and fresh TURN credentials before they expire', async () => {
    let served = 0
    const app = createServer((_req, res) => {
      served += 1
      const answer = {
        iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: `${served}:user`, credential: 'pass' }],
        turn: true,
        expiresAtMs: Date.now() + 1_500,
      }
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer))
    })
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve))
    const node = new HybridNode({ trackers: [], dht: false, utp: false })
    try {
      await node.useRtcConfigFrom(`http://127.0.0.1:${(app.address() as AddressInfo).port}/api/rtc-config`)
      const { rtcConfig } = (node.client as unknown as { tracker: { rtcConfig: RTCConfiguration } }).tracker
      assert.equal(rtcConfig.iceServers?.[0]?.username, '1%3Auser', 'encoded for Node’s WebRTC')
      // 80 % of the 1.5 s the credentials last: fetched again, into the object webtorrent reads.
      await sleep(1_600)
      assert.equal(served, 2)
      assert.equal(rtcConfig.iceServers?.[0]?.username, '2%3Auser')
      await assert.rejects(node.useRtcConfigFrom('http://127.0.0.1:9/api/rtc-config'), /could not fetch/)
    } finally {
      await node.destroy()
      app.close()
    }
  })

  it('stops waiting for trackers that fail', async () => {
    const node = new HybridNode({ trackers: ['http://127.0.0.1:9/announce'], dht: false, utp: false })
    try {
      const torrent = await node.seed([join(dir, 'shared.bin')])
      const startedAt = Date.now()
      await node.announced(torrent)
      assert.ok(Date.now() - startedAt < 5_000)
    } finally {
      await node.destroy()
    }
  })

  it('reports its first peer once per torrent, not again when a peer comes back', async () => {
    const node = new HybridNode({ trackers: [], dht: false, utp: false })
    const firstPeers: string[] = []
    node.on('first-peer', (_torrent: unknown, kind: string) => firstPeers.push(kind))
    const visitors: WebTorrent[] = []
    try {
      const torrent = await node.seed([join(dir, 'shared.bin')])
      if (!node.client.torrentPort) await once(node.client, 'listening')
      // Two classic peers, one after the other: the second comes when the first has gone.
      for (const _ of [1, 2]) {
        const visitor = new WebTorrent({ dht: false, tracker: false, lsd: false, utp: false } as object)
        visitors.push(visitor)
        const download = visitor.add(torrent.infoHash, { path: join(dir, `visitor-${visitors.length}`) })
        if (!download.infoHash) await once(download, 'infoHash')
        ;(download as unknown as { addPeer(addr: string): void }).addPeer(`127.0.0.1:${node.client.torrentPort}`)
        if (!download.done) await once(download, 'done')
        await new Promise<void>((resolve) => visitor.destroy(() => resolve()))
        while (torrent.wires.length > 0) await sleep(25)
      }
      assert.deepEqual(firstPeers, ['tcp'])
    } finally {
      await node.destroy()
    }
  })
})
