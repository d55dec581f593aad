/*
 * npm run bench [-- <name>...]: measures Swarmdrop on this machine against the limits it is held to,
 * prints a table and writes bench/results.json. Benchmarks are separate from tests: they report
 * figures, they do not pass or fail.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { chromiumOptions } from '../tests/e2e/browsers.js'
import { firstPeer } from './first-peer.js'
import { share1GiB } from './hashing.js'
import { hybridFirstContact } from './hybrid-first-contact.js'
import { hybrid256MiB } from './hybrid.js'
import { keeper256MiB } from './keeper.js'
import { memory2GiB } from './memory.js'
import { privateVsPublic } from './private.js'
import { relay128MiB } from './relay.js'
import { streaming100MB } from './stream.js'
import { swarm128MiB } from './swarm.js'
import { trackerLoad } from './tracker-load.js'
import { transfer256MiB } from './transfer.js'
import { wan } from './wan.js'
import type { Benchmark, Figure } from './types.js'

const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url))
const RESULTS_PATH = fileURLToPath(new URL('./results.json', import.meta.url))

const benchmarks: Record<string, Benchmark> = {
  'transfer-256mib': transfer256MiB,
  'share-1gib': share1GiB,
  'swarm-128mib': swarm128MiB,
  'memory-2gib': memory2GiB,
  'first-peer': firstPeer,
  'stream-100mb': streaming100MB,
  'relay-128mib': relay128MiB,
  'hybrid-256mib': hybrid256MiB,
  'hybrid-first-contact': hybridFirstContact,
  'keeper-256mib': keeper256MiB,
  'tracker-load': trackerLoad,
  'private-vs-public': privateVsPublic,
  wan,
}

async function main() {
  const wanted = process.argv.slice(2)
  const unknown = wanted.filter((name) => !(name in benchmarks))
  if (unknown.length > 0) {
    console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`)
    process.exit(2)
  }
  const selected = wanted.length > 0 ? wanted : Object.keys(benchmarks)

  const server = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT }))
  const { port } = await server.listen()
  // The raw anchors run in blank pages that Playwright serves itself, which Chromium's Local Network
  // Access checks would stop from opening a WebSocket to the tracker on loopback.
  const browser = await chromium.launch(chromiumOptions({ disableFeatures: ['LocalNetworkAccessChecks'] }))
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
      target: f.target ?? '',
      note: f.note ?? '',
    })),
  )
  // Running some benchmarks replaces their figures and keeps the others from earlier runs; running
  // them all replaces every figure, so none outlives the benchmark that made it.
  const earlier =
    wanted.length === 0
      ? []
      : await readFile(RESULTS_PATH, 'utf8')
          .then((text) => (JSON.parse(text) as { figures: Figure[] }).figures)
          .catch((): Figure[] => [])
  const measured = new Set(figures.map((f) => f.name))
  const all = [
    ...earlier.filter((f) => !measured.has(f.name)),
    ...figures.map((f) => ({ ...f, measuredAt: new Date().toISOString() })),
  ]
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version }
  await writeFile(RESULTS_PATH, JSON.stringify({ machine, figures: all }, null, 2) + '\n')
  console.log(`wrote ${RESULTS_PATH}`)
}

await main()
