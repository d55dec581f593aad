import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from '@playwright/test'
import { chromiumOptions } from '../tests/e2e/browsers.js'
import { downloadMs, newSender, writeRandomFile, type ShareKind } from './steps.js'
import { MiB, mibPerS, round, type BenchContext, type Benchmark } from './types.js'

/** Just under 2 GiB: Playwright closes the page when handed a file of 2 GiB or more to pick. */
const BYTES = 2047 * MiB
const SAMPLE_MS = 250

/**
 * The receiver's renderer memory while a 2 GiB file arrives: the peak proportional set size (PSS,
 * from /proc) of its renderer processes, sampled every 250 ms. The receiver has a real profile on
 * disk (a persistent context), as a person does: Playwright's throwaway contexts keep the private
 * file system in memory, with a quota far below 2 GiB.
 */
export const memory2GiB: Benchmark = async (context) => {
  const path = join(context.workDir, 'memory-2gib.bin')
  await writeRandomFile(path, BYTES)
  const { peakBytes, idleBytes, elapsedMs } = await receiverPeakPss(context, path)
  return [
    {
      name: 'receiver renderer memory (peak PSS) while receiving 2 GiB',
      value: round(peakBytes / MiB),
      unit: 'MiB',
      anchor: { name: 'the file size', value: BYTES / MiB, unit: 'MiB' },
      ratio: round(peakBytes / BYTES, 3),
      target: '< 0.15 x the file size',
      note: `${round(idleBytes / MiB)} MiB with the app idle; ${round(mibPerS(BYTES, elapsedMs))} MiB/s`,
    },
  ]
}

/** The receiver's peak renderer PSS while the file at `path`, shared as `kind`, arrives. */
export async function receiverPeakPss(
  { browser, origin }: BenchContext,
  path: string,
  kind: ShareKind = 'public',
): Promise<{ peakBytes: number; idleBytes: number; elapsedMs: number }> {
  const { context: aliceContext, link } = await newSender(browser, origin, path, kind)

  const profile = await mkdtemp(join(tmpdir(), 'swarmdrop-memory-'))
  const bobContext = await chromium.launchPersistentContext(profile, chromiumOptions())
  const bob = bobContext.pages()[0] ?? (await bobContext.newPage())
  await bob.goto(origin + '/')
  const idle = await rendererPss(profile)
  let peak = 0
  const sampler = setInterval(
    () => void rendererPss(profile).then((bytes) => (peak = Math.max(peak, bytes))),
    SAMPLE_MS,
  )
  try {
    const elapsedMs = await downloadMs(bob, link)
    return { peakBytes: peak, idleBytes: idle, elapsedMs }
  } finally {
    clearInterval(sampler)
    await bobContext.close()
    await aliceContext.close()
    await rm(profile, { recursive: true, force: true })
  }
}

const rendererPss = async (profile: string): Promise<number> =>
  (await Promise.all((await rendererPids(profile)).map(pssBytes))).reduce((sum, bytes) => sum + bytes, 0)

/** The web page renderer processes of the Chromium whose browser process was started with this profile. */
async function rendererPids(profile: string): Promise<number[]> {
  const processes = await Promise.all(
    (await readdir('/proc'))
      .filter((name) => /^\d+$/.test(name))
      .map(async (pid) => {
        const [cmdline, stat] = await Promise.all([
          readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''),
          readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''),
        ])
        return { pid: Number(pid), parent: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]), cmdline }
      }),
  )
  const family = new Set(
    processes.filter((p) => p.cmdline.includes(profile) && !p.cmdline.includes('--type=')).map((p) => p.pid),
  )
  // Children are forked from the browser process through a zygote: follow parents until stable.
  for (let grew = true; grew;) {
    grew = false
    for (const p of processes) {
      if (family.has(p.pid) || !family.has(p.parent)) continue
      family.add(p.pid)
      grew = true
    }
  }
  // Headless Chromium also runs a renderer for its own UI (--top-chrome-webui, ~58 MiB), whatever the page.
  return processes
    .filter(
      (p) => family.has(p.pid) && p.cmdline.includes('--type=renderer') && !p.cmdline.includes('--top-chrome-webui'),
    )
    .map((p) => p.pid)
}

/** A process's proportional set size: its private memory plus its share of what it shares. */
async function pssBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '')
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024
}
