import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from '@playwright/test'
import { HybridProcess } from '../tests/e2e/hybrid.js'
import { firstPeerMs, inNewContext, newSender, openBlankPage, writeRandomFile } from './steps.js'
import { medianOf, MiB, round, type Benchmark, type Figure } from './types.js'

const RUNS = Number(process.env.FIRST_PEER_RUNS ?? 9)

/**
 * Link opened → first connected peer, browser to browser, beside a raw RTCPeerConnection signalled
 * through the same tracker; then the hybrid node (Node) on either side, each the median of five.
 */
export const firstPeer: Benchmark = async ({ browser, origin, workDir }) => {
  const dir = join(workDir, 'first-peer')
  await mkdir(dir, { recursive: true })
  const path = join(dir, 'first-peer.bin')
  await writeRandomFile(path, 4 * MiB)
  const tracker = origin.replace(/^http/, 'ws') + '/announce'

  const { context: aliceContext, link } = await newSender(browser, origin, path)
  const figures: Figure[] = []
  try {
    const app = await repeat(() => inNewContext(browser, (page) => firstPeerMs(page, link)))
    const raw = await repeat(() => rawFirstPeerMs(browser, origin, tracker))
    figures.push({
      name: 'link opened -> first connected peer, browser to browser',
      value: round(medianOf(app)),
      unit: 'ms',
      anchor: {
        name: 'raw RTCPeerConnection through the tracker, page opened -> channel open',
        value: round(medianOf(raw)),
        unit: 'ms',
      },
      ratio: round(medianOf(app) / medianOf(raw), 2),
      target: '<= 1.5 x raw, < 500 ms',
      note: `runs ${app.map(Math.round).join(', ')} vs ${raw.map(Math.round).join(', ')}`,
    })

    const browserToNode = await repeat(() =>
      nodeFirstPeerMs(['download', link, '-o', join(dir, `node-${Math.random()}`), '--app', origin, '--no-dht']),
    )
    figures.push(nodeFigure('first connected peer, browser sender -> Node (hybrid) receiver', browserToNode))
  } finally {
    await aliceContext.close()
  }

  const seeder = HybridProcess.start(['seed', path, '--app', origin, '--no-dht'])
  try {
    const seeding = await seeder.waitFor((event) => event.event === 'seeding', 60_000)
    const nodeToBrowser = await repeat(() => inNewContext(browser, (page) => firstPeerMs(page, String(seeding.link))))
    figures.push(nodeFigure('link opened -> first connected peer, Node (hybrid) sender -> browser', nodeToBrowser))
    const nodeToNode = await repeat(() =>
      nodeFirstPeerMs([
        'download',
        String(seeding.magnet),
        '-o',
        join(dir, `node-${Math.random()}`),
        '--no-dht',
        '--app',
        origin,
      ]),
    )
    figures.push(nodeFigure('first connected peer, Node (hybrid) sender -> Node receiver', nodeToNode))
  } finally {
    await seeder.stop()
  }
  return figures
}

/** How the Node runs connected (webrtc, tcp), for the notes. */
const transports = new Set<string>()

function nodeFigure(name: string, runs: number[]): Figure {
  const note = `runs ${runs.map(Math.round).join(', ')}${transports.size > 0 ? `; over ${[...transports].join(', ')}` : ''}`
  transports.clear()
  return { name, value: round(medianOf(runs)), unit: 'ms', target: '< 1000 ms', note }
}

async function repeat(measure: () => Promise<number>): Promise<number[]> {
  const runs: number[] = []
  for (let i = 0; i < RUNS; i++) runs.push(await measure())
  return runs
}

/** Milliseconds from a hybrid download's start (torrent added) until its first peer connected. */
export async function nodeFirstPeerMs(args: string[]): Promise<number> {
  const node = HybridProcess.start(args)
  try {
    const event = await node.waitFor((event) => event.event === 'first-peer', 60_000)
    transports.add(String(event.transport))
    return Number(event.afterMs)
  } finally {
    await node.stop()
  }
}

/**
 * The least a page can do: a sender page announces to the tracker and answers offers; a receiver
 * page (another person), from its navigation, gathers one offer, announces it, and waits for the
 * data channel to open.
 */
export async function rawFirstPeerMs(browser: Browser, origin: string, tracker: string): Promise<number> {
  const infoHash = Array.from({ length: 20 }, () => String.fromCharCode(Math.floor(Math.random() * 256))).join('')
  const senderContext = await browser.newContext()
  try {
    await (
      await openBlankPage(await senderContext.newPage(), origin)
    ).evaluate(rawPeer, { tracker, infoHash, offer: false })
    // The receiver is a new person (a new context), as with the app.
    return await inNewContext(browser, async (page) =>
      (await openBlankPage(page, origin)).evaluate(rawPeer, { tracker, infoHash, offer: true }),
    )
  } finally {
    await senderContext.close()
  }
}

/** Runs in the page. Without `offer` it answers offers forever; with it, it resolves with the time its channel opened. */
async function rawPeer({
  tracker,
  infoHash,
  offer,
}: {
  tracker: string
  infoHash: string
  offer: boolean
}): Promise<number> {
  const randomId = () => String.fromCharCode(...crypto.getRandomValues(new Uint8Array(20)))
  const gathered = (pc: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve()
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve())
    })
  const peerId = randomId()
  const socket = new WebSocket(tracker)
  const opened = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }))
  const announce = (fields: Record<string, unknown>) =>
    socket.send(
      JSON.stringify({
        action: 'announce',
        info_hash: infoHash,
        peer_id: peerId,
        uploaded: 0,
        downloaded: 0,
        ...fields,
      }),
    )
  if (!offer) {
    socket.addEventListener('message', async ({ data }: MessageEvent<string>) => {
      const message = JSON.parse(data) as { offer?: RTCSessionDescriptionInit; offer_id?: string; peer_id?: string }
      if (!message.offer) return
      const pc = new RTCPeerConnection()
      ;((window as unknown as { peers?: RTCPeerConnection[] }).peers ??= []).push(pc)
      await pc.setRemoteDescription(message.offer)
      await pc.setLocalDescription()
      await gathered(pc)
      announce({
        left: 0,
        to_peer_id: message.peer_id,
        offer_id: message.offer_id,
        answer: pc.localDescription!.toJSON(),
      })
    })
    await opened
    announce({ left: 0, event: 'started', numwant: 0 })
    return 0
  }
  const pc = new RTCPeerConnection()
  const channel = pc.createDataChannel('raw')
  const open = new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }))
  await pc.setLocalDescription()
  await Promise.all([gathered(pc), opened])
  socket.addEventListener('message', ({ data }: MessageEvent<string>) => {
    const message = JSON.parse(data) as { answer?: RTCSessionDescriptionInit }
    if (message.answer) void pc.setRemoteDescription(message.answer)
  })
  announce({
    left: 1,
    event: 'started',
    numwant: 1,
    offers: [{ offer: pc.localDescription!.toJSON(), offer_id: randomId() }],
  })
  await open
  return performance.now()
}
