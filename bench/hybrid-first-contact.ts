import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { HybridProcess } from '../tests/e2e/hybrid.js'
import { nodeFirstPeerMs, rawFirstPeerMs } from './first-peer.js'
import { firstPeerMs, inNewContext, newSender, writeRandomFile } from './steps.js'
import { medianOf, MiB, round, type Benchmark, type Figure } from './types.js'

const RUNS = Number(process.env.FIRST_CONTACT_RUNS ?? 100)
const ANCHOR_RUNS = 9
const TARGET_MS = 1_000

/**
 * First contact between a browser and the hybrid node, 100 times each way: a rare slow connection
 * (libdatachannel refusing an answer, a tracker announce lost) shows in the worst case, not the median.
 * Beside it, the floor: a raw RTCPeerConnection between two pages through the same tracker.
 */
export const hybridFirstContact: Benchmark = async ({ browser, origin, workDir }) => {
  const dir = join(workDir, 'first-contact')
  await mkdir(dir, { recursive: true })
  const path = join(dir, 'first-contact.bin')
  await writeRandomFile(path, MiB)
  const tracker = origin.replace(/^http/, 'ws') + '/announce'
  const raw: number[] = []
  for (let i = 0; i < ANCHOR_RUNS; i++) raw.push(await rawFirstPeerMs(browser, origin, tracker))
  const anchor = {
    name: 'raw RTCPeerConnection through the tracker (median of 9)',
    value: round(medianOf(raw)),
    unit: 'ms',
  }
  const figures: Figure[] = []

  const { context, link } = await newSender(browser, origin, path)
  try {
    const runs: number[] = []
    for (let i = 0; i < RUNS; i++)
      runs.push(
        await nodeFirstPeerMs([
          'download',
          link,
          '-o',
          join(dir, `node-${i}`),
          '--app',
          origin,
          '--no-dht',
          '--no-utp',
        ]),
      )
    figures.push(worstOf(`first contact, browser sender -> Node (hybrid) receiver, worst of ${RUNS}`, runs, anchor))
  } finally {
    await context.close()
  }

  const seeder = HybridProcess.start(['seed', path, '--app', origin, '--no-dht'])
  try {
    const seeding = await seeder.waitFor((event) => event.event === 'seeding', 60_000)
    const runs: number[] = []
    for (let i = 0; i < RUNS; i++)
      runs.push(await inNewContext(browser, (page) => firstPeerMs(page, String(seeding.link))))
    figures.push(
      worstOf(`link opened -> first contact, Node (hybrid) sender -> browser, worst of ${RUNS}`, runs, anchor),
    )
  } finally {
    await seeder.stop()
  }
  return figures
}

function worstOf(name: string, runs: number[], anchor: NonNullable<Figure['anchor']>): Figure {
  const sorted = runs.toSorted((a, b) => a - b)
  const worst = sorted.at(-1)!
  const over = runs.filter((ms) => ms >= TARGET_MS).length
  return {
    name,
    value: round(worst),
    unit: 'ms',
    anchor,
    ratio: round(worst / anchor.value, 2),
    target: `every run < ${TARGET_MS} ms`,
    note: `median ${round(medianOf(runs))} ms, p95 ${round(sorted[Math.floor(0.95 * (sorted.length - 1))]!)} ms, ${over} of ${runs.length} at ${TARGET_MS} ms or more; slowest ${sorted.slice(-5).map(Math.round).join(', ')}`,
  }
}
