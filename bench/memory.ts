import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Browser } from '@playwright/test'
import { downloadMs, shareFile, writeRandomFile } from './steps.js'
import { MiB, round, type Benchmark } from './types.js'

const BYTES = 2048 * MiB
const SAMPLE_MS = 250

/**
 * The receiver's renderer memory while a 2 GiB file arrives: the peak proportional set size (PSS,
 * from /proc) of the renderer processes that appeared for the receiver's tab, sampled every 250 ms.
 */
export const memory2GiB: Benchmark = async ({ browser, origin, workDir }) => {
  const path = join(workDir, 'memory-2gib.bin')
  await writeRandomFile(path, BYTES)
  const aliceContext = await browser.newContext()
  const alice = await aliceContext.newPage()
  await alice.goto(origin + '/')
  const { link } = await shareFile(alice, path)

  const before = new Set(await rendererPids(browser))
  const bobContext = await browser.newContext()
  const bob = await bobContext.newPage()
  await bob.goto(origin + '/')
  let peak = 0
  const sampler = setInterval(() => {
    void rendererPids(browser).then(async (pids) => {
      const total = (await Promise.all(pids.filter((pid) => !before.has(pid)).map(pssBytes))).reduce((sum, bytes) => sum + bytes, 0)
      peak = Math.max(peak, total)
    })
  }, SAMPLE_MS)
  try {
    const elapsedMs = await downloadMs(bob, link)
    return [
      {
        name: 'receiver renderer memory (peak PSS) while receiving 2 GiB',
        value: round(peak / MiB),
        unit: 'MiB',
        anchor: { name: 'the file size', value: BYTES / MiB, unit: 'MiB' },
        ratio: round(peak / BYTES, 3),
        target: '< 0.15 x the file size',
        note: `${round(BYTES / MiB / (elapsedMs / 1000))} MiB/s`,
      },
    ]
  } finally {
    clearInterval(sampler)
    await bobContext.close()
    await aliceContext.close()
  }
}

async function rendererPids(browser: Browser): Promise<number[]> {
  const cdp = await browser.newBrowserCDPSession()
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> }
    return processInfo.filter((process) => process.type === 'renderer').map((process) => process.id)
  } finally {
    await cdp.detach()
  }
}

/** A process's proportional set size: its private memory plus its share of what it shares. */
async function pssBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '')
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024
}
