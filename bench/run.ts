/*
 * npm run bench [-- <name>...]: measures Swarmdrop on this machine against the limits it is held to,
 * prints a table and writes bench/results.json. Benchmarks are separate from tests: they report
 * figures, they do not pass or fail.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from '@playwright/test'
import { SwarmdropServer } from '@swarmdrop/tracker'
import { chromiumLaunchOptions } from '../tests/e2e/chromium.js'
import { rawDataChannelTransferMs } from './raw-datachannel.js'

const MiB = 1024 * 1024
const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url))
const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url))

type Figure = { name: string; value: number; unit: string; anchor?: { name: string; value: number; unit: string }; ratio?: number; note?: string }
type Context = { browser: Browser; origin: string; workDir: string }
type Benchmark = (context: Context) => Promise<Figure[]>

const benchmarks: Record<string, Benchmark> = {
  'transfer-256mib': async ({ browser, origin, workDir }) => {
    const bytes = 256 * MiB
    const path = join(workDir, 'bench-256mib.bin')
    await writeFile(path, randomBytes(bytes))

    const [aliceContext, bobContext] = [await browser.newContext(), await browser.newContext()]
    const [alice, bob] = [await aliceContext.newPage(), await bobContext.newPage()]
    await alice.goto(origin + '/')
    const dropAt = Date.now()
    await alice.getByTestId('file-input').setInputFiles(path)
    const link = await alice.getByTestId('share-link').inputValue({ timeout: 120_000 })
    await alice.locator('[data-status="seeding"]').waitFor({ timeout: 120_000 })
    const shareMs = Date.now() - dropAt

    const openAt = Date.now()
    await bob.goto(link)
    await bob.locator('[data-status="done"]').waitFor({ timeout: 300_000 })
    const appMs = Date.now() - openAt

    const rawMs = await rawDataChannelTransferMs(await aliceContext.newPage(), await bobContext.newPage(), bytes)
    await aliceContext.close()
    await bobContext.close()

    const appRate = bytes / MiB / (appMs / 1000)
    const rawRate = bytes / MiB / (rawMs / 1000)
    return [
      {
        name: 'browser-to-browser throughput, 256 MiB (link opened to done)',
        value: round(appRate),
        unit: 'MiB/s',
        anchor: { name: 'raw RTCDataChannel, same Chromium', value: round(rawRate), unit: 'MiB/s' },
        ratio: round(appRate / rawRate, 2),
        note: `${round(appMs / 1000)} s vs ${round(rawMs / 1000)} s`,
      },
      { name: 'drop to seeding, 256 MiB (hashing + store)', value: round(shareMs / 1000, 2), unit: 's' },
    ]
  },
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

async function main() {
  const wanted = process.argv.slice(2)
  const unknown = wanted.filter((name) => !(name in benchmarks))
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`)
    process.exit(2)
  }
  const selected = wanted.length > 0 ? wanted : Object.keys(benchmarks)

  const server = new SwarmdropServer({ port: 0, host: '127.0.0.1', webRoot: WEB_ROOT, extraTrackers: [], trustProxy: false })
  const { port } = await server.listen()
  const browser = await chromium.launch(chromiumLaunchOptions)
  const workDir = await mkdtemp(join(tmpdir(), 'swarmdrop-bench-'))
  const figures: Figure[] = []
  try {
    for (const name of selected) {
      console.log(`running ${name}…`)
      figures.push(...(await benchmarks[name]!({ browser, origin: `http://127.0.0.1:${port}`, workDir })))
    }
  } finally {
    await browser.close()
    await server.close()
    await rm(workDir, { recursive: true, force: true })
  }

  console.table(
    figures.map((f) => ({
      figure: f.name,
      value: `${f.value} ${f.unit}`,
      anchor: f.anchor ? `${f.anchor.value} ${f.anchor.unit} (${f.anchor.name})` : '',
      ratio: f.ratio ?? '',
      note: f.note ?? '',
    })),
  )
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version }
  await writeFile(RESULTS_PATH, JSON.stringify({ measuredAt: new Date().toISOString(), machine, figures }, null, 2) + '\n')
  console.log(`wrote ${RESULTS_PATH}`)
}

await main()
