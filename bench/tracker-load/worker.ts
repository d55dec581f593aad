/*
 * One load-generator process for the tracker benchmark: thousands of simulated WebTorrent peers, each
 * a WebSocket, driven by the parent over IPC. Lean on purpose (no JSON parsing of what arrives, messages
 * built from pre-encoded pieces) so that the generator, which shares the machine's two cores with the
 * tracker, costs as little as possible.
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { FAKE_SDP } from '../../tests/support/tracker-peer.js'
import type { WorkerCommand, WorkerReport } from './messages.js'

/** Offers are drawn from a pool (fresh IDs per offer would cost the generator, not the tracker). */
const OFFER_POOL = Array.from({ length: 512 }, () =>
  JSON.stringify({ offer: { type: 'offer', sdp: FAKE_SDP }, offer_id: randomBytes(20).toString('binary') }),
)
const CONNECT_CONCURRENCY = 256

type Peer = {
  socket: WebSocket
  prefix: string
  /** Send times of announces not answered yet, oldest first. */
  pending: number[]
  /** Called with the latency of each answered announce. */
  onReply: ((latencyMs: number, failed: boolean) => void) | null
}

const peers: Peer[] = []
let offersReceived = 0
let offerCursor = 0

function announceMessage(peer: Peer, offers: number): string {
  let list = ''
  for (let i = 0; i < offers; i++) list += (i ? ',' : '') + OFFER_POOL[offerCursor++ & 511]
  return `${peer.prefix},"numwant":${offers},"offers":[${list}]}`
}

function announce(peer: Peer, offers: number): void {
  if (peer.socket.readyState !== WebSocket.OPEN) return
  peer.pending.push(performance.now())
  peer.socket.send(announceMessage(peer, offers))
}

function connect(url: string, infoHash: string, seeder: boolean, localAddress: string): Promise<Peer | null> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, localAddress })
    const peerId = randomBytes(20).toString('binary')
    const peer: Peer = {
      socket,
      prefix: `{"action":"announce","info_hash":${JSON.stringify(infoHash)},"peer_id":${JSON.stringify(peerId)},"left":${seeder ? 0 : 1000}`,
      pending: [],
      onReply: null,
    }
    socket.on('message', (data: Buffer) => {
      // Offers name an "offer"; everything else sent to a peer here answers one of its announces.
      if (data.includes('"offer"')) {
        offersReceived++
        return
      }
      const sentAt = peer.pending.shift()
      if (sentAt !== undefined) peer.onReply?.(performance.now() - sentAt, data.includes('failure reason'))
    })
    socket.once('open', () => {
      peer.onReply = () => resolve(peer)
      announce(peer, 0)
    })
    socket.once('error', () => resolve(null))
    socket.once('close', () => resolve(null))
  })
}

async function connectAll(
  url: string,
  infoHashes: string[],
  count: number,
  firstIndex: number,
  localAddress: string,
): Promise<number> {
  let next = 0
  let failed = 0
  const lane = async () => {
    while (next < count) {
      const index = firstIndex + next++
      const peer = await connect(url, infoHashes[index % infoHashes.length]!, index % 10 === 0, localAddress)
      if (peer) {
        peer.onReply = null
        peers.push(peer)
      } else failed++
    }
  }
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, lane))
  return failed
}

/** Every peer announces once per interval at its own random phase; resolves with the latencies. */
function steady(
  durationMs: number,
  intervalMs: number,
  offers: number,
): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = []
  let failures = 0
  const timers: NodeJS.Timeout[] = []
  for (const peer of peers) {
    peer.onReply = (latency, failed) => (failed ? failures++ : latencies.push(latency))
    const start = setTimeout(() => {
      announce(peer, offers)
      timers.push(setInterval(() => announce(peer, offers), intervalMs))
    }, Math.random() * intervalMs)
    timers.push(start)
  }
  return new Promise((resolve) =>
    setTimeout(() => {
      for (const timer of timers) clearTimeout(timer)
      // Late replies still arrive: give them a moment.
      setTimeout(() => resolve({ latencies, failures }), 500)
    }, durationMs),
  )
}

/** Every peer announces at the same moment; resolves when all have answered (or after 30 s). */
function burst(offers: number): Promise<{ latencies: number[]; failures: number }> {
  const latencies: number[] = []
  let failures = 0
  let waiting = 0
  return new Promise((resolve) => {
    const done = () => resolve({ latencies, failures })
    const timeout = setTimeout(done, 30_000)
    for (const peer of peers) {
      if (peer.socket.readyState !== WebSocket.OPEN) continue
      waiting++
      peer.onReply = (latency, failed) => {
        if (failed) failures++
        else latencies.push(latency)
        if (--waiting === 0) {
          clearTimeout(timeout)
          done()
        }
      }
    }
    for (const peer of peers) announce(peer, offers)
  })
}

/** The first `count` peers announce again as soon as answered, for `durationMs`. */
function closedLoop(
  count: number,
  durationMs: number,
  offers: number,
): Promise<{ announces: number; offersReceived: number }> {
  let announces = 0
  let running = true
  const receivedBefore = offersReceived
  for (const peer of peers.slice(0, count)) {
    peer.onReply = () => {
      announces++
      if (running) announce(peer, offers)
    }
    announce(peer, offers)
  }
  return new Promise((resolve) =>
    setTimeout(() => {
      running = false
      resolve({ announces, offersReceived: offersReceived - receivedBefore })
    }, durationMs),
  )
}

function report(message: WorkerReport): void {
  process.send!(message)
}

process.on('message', async (command: WorkerCommand) => {
  switch (command.type) {
    case 'connect':
      report({
        type: 'connected',
        failed: await connectAll(
          command.url,
          command.infoHashes,
          command.count,
          command.firstIndex,
          command.localAddress,
        ),
      })
      break
    case 'steady':
      report({ type: 'latencies', ...(await steady(command.durationMs, command.intervalMs, command.offers)) })
      break
    case 'burst':
      report({ type: 'latencies', ...(await burst(command.offers)) })
      break
    case 'closed-loop':
      report({ type: 'throughput', ...(await closedLoop(command.count, command.durationMs, command.offers)) })
      break
    case 'open':
      report({ type: 'open', count: peers.filter((peer) => peer.socket.readyState === WebSocket.OPEN).length })
      break
    case 'exit':
      for (const peer of peers) peer.socket.terminate()
      process.exit(0)
  }
})
report({ type: 'ready' })
