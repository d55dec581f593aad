import { execFile, fork, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { TrackerProcess } from '../tests/e2e/tracker-process.js'
import { freePort } from '../tests/support/wait.js'
import { RedisServer } from '../tests/support/redis-server.js'
import type { WorkerCommand, WorkerReport } from './tracker-load/messages.js'
import { round, type Benchmark, type Figure } from './types.js'

/*
 * The tracker under a crowd of simulated WebSocket peers (separate load-generator processes, loopback
 * only), beside bittorrent-tracker's stock server in the same run. The crowd grows in steps until the
 * announce p99 passes 100 ms; then every peer re-announces at once (the burst); then a closed loop
 * measures throughput with 0 and 5 offers per announce. A last run holds Swarmdrop's tracker to a low
 * open-file limit to see that it refuses new connections and keeps serving the peers it has.
 */

const execFileAsync = promisify(execFile)
const WORKER = fileURLToPath(new URL('./tracker-load/worker.ts', import.meta.url))
const STOCK_SERVER = fileURLToPath(new URL('./tracker-load/stock-server.ts', import.meta.url))
const FLOOR_SERVER = fileURLToPath(new URL('./tracker-load/floor-server.ts', import.meta.url))
/** Peers per generator process: well under the 20,000 open files a process may have here. */
const PEERS_PER_GENERATOR = 6_000
/**
 * How many generator processes share the crowd (TRACKER_LOAD_GENERATORS; at least enough for
 * PEERS_PER_GENERATOR). More of them send faster, as on a machine with many cores.
 */
const GENERATORS = Number(process.env.TRACKER_LOAD_GENERATORS) || 0
/**
 * TRACKER_LOAD_PIN: CPUs (a taskset list) the server under test runs on, as where it has cores of its
 * own; run the bench itself under `taskset` on the others.
 */
const PIN = process.env.TRACKER_LOAD_PIN
const SWARMS = 1000
const CROWD_STEPS = [5_000, 10_000, 15_000, 18_000]
/** Two workers through Redis, past what one process's open-file limit allows. */
const WORKER_CROWD_STEPS = [18_000, 27_000, 36_000]
/** What webtorrent clients do on the WebSocket tracker: announce every 12 s, with 5 offers. */
const ANNOUNCE_INTERVAL_MS = 12_000
const OFFERS = 5
const P99_LIMIT_MS = 100
const CLOSED_LOOP_MS = 8_000
const FILE_LIMIT = 3_000

type LatencyReport = Extract<WorkerReport, { type: 'latencies' }>
type Phase = { p50: number; p99: number; failures: number; answered: number }
type Run = {
  held: number
  steps: Array<{ crowd: number; connected: number } & Phase>
  burst: Phase | null
  rssMiB: number
  announcesPerS: number
  announcesWithOffersPerS: number
  offersPerS: number
  /** Throughput per second of tracker CPU: what the tracker costs, whoever the bottleneck was. */
  announcesPerCpuS: number
  offersPerCpuS: number
  crashed: boolean
  /** Slowest /healthz answer during the burst (Swarmdrop only; the stock server has none). */
  healthzMaxMs: number
}

class Generator {
  private readonly reports: WorkerReport[] = []
  private waiting: ((report: WorkerReport) => void) | null = null

  constructor(readonly child: ChildProcess) {
    child.on('message', (report: WorkerReport) => {
      if (this.waiting) {
        const resolve = this.waiting
        this.waiting = null
        resolve(report)
      } else this.reports.push(report)
    })
  }

  static async start(): Promise<Generator> {
    const generator = new Generator(fork(WORKER, { execArgv: ['--import', 'tsx'], stdio: 'inherit' }))
    await generator.next()
    return generator
  }

  next(): Promise<WorkerReport> {
    const report = this.reports.shift()
    if (report) return Promise.resolve(report)
    return new Promise((resolve) => (this.waiting = resolve))
  }

  async ask<T extends WorkerReport>(command: WorkerCommand): Promise<T> {
    this.child.send(command)
    return (await this.next()) as T
  }

  stop(): void {
    this.child.send({ type: 'exit' } satisfies WorkerCommand)
  }
}

type Server = { url: string; pid: number; alive: () => boolean; stop: () => Promise<unknown> }

async function startSwarmdrop(
  port: number,
  options: { openFileLimit?: number; workers?: number; redisUrl?: string } = {},
): Promise<Server> {
  // Everyone comes from 127.0.0.1 and the closed loop announces as fast as it can: per-address and
  // per-socket rate limits off; every other limit at its default.
  const env: Record<string, string> = { ANNOUNCES_PER_SOCKET_PER_MINUTE: '0', OFFERS_PER_SOCKET_PER_MINUTE: '0' }
  if (options.redisUrl) Object.assign(env, { REDIS_URL: options.redisUrl, WORKERS: String(options.workers ?? 1) })
  const tracker = await TrackerProcess.start(port, { env, openFileLimit: options.openFileLimit })
  // With workers, the primary stops them (a killed primary would leave them running).
  return {
    url: `ws://127.0.0.1:${port}/announce`,
    pid: tracker.pid,
    alive: () => tracker.alive,
    stop: () => tracker.stop(options.workers ? 'SIGTERM' : 'SIGKILL'),
  }
}

/** A server script of this folder that prints a line once it listens: the stock anchor or the floor. */
async function startScript(script: string, port: number): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await once(child.stdout!, 'data')
  const alive = () => child.exitCode === null && child.signalCode === null
  return {
    url: `ws://127.0.0.1:${port}`,
    pid: child.pid!,
    alive,
    stop: () => (alive() ? new Promise((resolve) => child.once('exit', resolve).kill('SIGKILL')) : Promise.resolve()),
  }
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

/** Asks `url` every 100 ms until stopped; resolves with the slowest answer in ms. */
function probeHealth(url: string): { stop: () => Promise<number> } {
  let slowestMs = 0
  let running = true
  const loop = (async () => {
    while (running) {
      const startedMs = performance.now()
      await fetch(url).then((response) => response.text())
      slowestMs = Math.max(slowestMs, performance.now() - startedMs)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  })()
  return {
    stop: async () => {
      running = false
      await loop
      return round(slowestMs)
    },
  }
}

/** CPU time (user + system) the process has used, from /proc (clock ticks of 10 ms). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

function phase(reports: LatencyReport[]): Phase {
  const latencies = reports.flatMap((report) => report.latencies).sort((a, b) => a - b)
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN)
  return {
    p50: at(0.5),
    p99: at(0.99),
    failures: reports.reduce((sum, report) => sum + report.failures, 0),
    answered: latencies.length,
  }
}

async function connectCrowd(
  generators: Generator[],
  url: string,
  infoHashes: string[],
  from: number,
  to: number,
): Promise<number> {
  const share = Math.ceil((to - from) / generators.length)
  const failed = await Promise.all(
    generators.map((generator, i) => {
      const firstIndex = from + i * share
      const count = Math.max(0, Math.min(share, to - firstIndex))
      // Each generator connects from its own loopback address: one source address has only ~28,000
      // ephemeral ports (net.ipv4.ip_local_port_range) towards one server port.
      const localAddress = `127.0.0.${2 + i}`
      return generator
        .ask<{ type: 'connected'; failed: number }>({
          type: 'connect',
          url,
          infoHashes,
          count,
          firstIndex,
          localAddress,
        })
        .then((report) => report.failed)
    }),
  )
  return to - from - failed.reduce((sum, n) => sum + n, 0)
}

type Kind = 'swarmdrop' | 'stock' | 'floor' | '2 workers'
type MeasureOptions = { crowdSteps: number[]; redisUrl?: string; throughput?: boolean }

async function measure(kind: Kind, log: (line: string) => void, options: MeasureOptions): Promise<Run> {
  const port = await freePort()
  const server =
    kind === 'swarmdrop'
      ? await startSwarmdrop(port)
      : kind === '2 workers'
        ? await startSwarmdrop(port, { workers: 2, redisUrl: options.redisUrl })
        : await startScript(kind === 'stock' ? STOCK_SERVER : FLOOR_SERVER, port)
  if (PIN) await execFileAsync('taskset', ['--all-tasks', '--cpu-list', '--pid', PIN, String(server.pid)])
  const generatorCount = Math.max(GENERATORS, Math.ceil(Math.max(...options.crowdSteps) / PEERS_PER_GENERATOR))
  const generators = await Promise.all(Array.from({ length: generatorCount }, () => Generator.start()))
  const infoHashes = Array.from({ length: SWARMS }, () => randomBytes(20).toString('binary'))
  const run: Run = {
    held: 0,
    steps: [],
    burst: null,
    rssMiB: 0,
    announcesPerS: 0,
    announcesWithOffersPerS: 0,
    offersPerS: 0,
    announcesPerCpuS: 0,
    offersPerCpuS: 0,
    crashed: false,
    healthzMaxMs: 0,
  }
  try {
    let connected = 0
    let previous = 0
    for (const crowd of options.crowdSteps) {
      connected += await connectCrowd(generators, server.url, infoHashes, previous, crowd)
      previous = crowd
      const steady = phase(
        await Promise.all(
          generators.map((g) =>
            g.ask<LatencyReport>({
              type: 'steady',
              durationMs: ANNOUNCE_INTERVAL_MS,
              intervalMs: ANNOUNCE_INTERVAL_MS,
              offers: OFFERS,
            }),
          ),
        ),
      )
      run.steps.push({ crowd, connected, ...steady })
      log(
        `${kind}: ${connected}/${crowd} peers, steady p50 ${steady.p50} ms, p99 ${steady.p99} ms, ${steady.failures} failures`,
      )
      if (!server.alive() || connected < crowd * 0.99 || steady.p99 > P99_LIMIT_MS || steady.failures > 0) break
      run.held = connected
      run.rssMiB = await rssMiB(server.pid)
    }
    if (options.throughput === false) return run
    // While every peer re-announces at once, an operator's health check must still be answered quickly.
    const probing = kind === 'swarmdrop' ? probeHealth(`http://127.0.0.1:${port}/healthz`) : null
    run.burst = phase(await Promise.all(generators.map((g) => g.ask<LatencyReport>({ type: 'burst', offers: OFFERS }))))
    run.healthzMaxMs = (await probing?.stop()) ?? 0
    log(
      `${kind}: burst of ${run.burst.answered} announces, p50 ${run.burst.p50} ms, p99 ${run.burst.p99} ms${probing ? `; /healthz at most ${run.healthzMaxMs} ms` : ''}`,
    )

    // Every connected peer takes part in the closed loop.
    const perGenerator = Math.ceil(run.steps.at(-1)!.connected / generators.length)
    for (const offers of [0, OFFERS]) {
      const cpuBefore = await cpuSeconds(server.pid)
      const results = await Promise.all(
        generators.map((g) =>
          g.ask<{ type: 'throughput'; announces: number; offersReceived: number }>({
            type: 'closed-loop',
            count: perGenerator,
            durationMs: CLOSED_LOOP_MS,
            offers,
          }),
        ),
      )
      const perS = (n: number) => Math.round(n / (CLOSED_LOOP_MS / 1000))
      const announces = perS(results.reduce((sum, r) => sum + r.announces, 0))
      const relayed = perS(results.reduce((sum, r) => sum + r.offersReceived, 0))
      // The generators share the two cores: how busy the tracker was says who the bottleneck was.
      const cpuShare = ((await cpuSeconds(server.pid)) - cpuBefore) / (CLOSED_LOOP_MS / 1000)
      if (offers === 0) [run.announcesPerS, run.announcesPerCpuS] = [announces, Math.round(announces / cpuShare)]
      else
        [run.announcesWithOffersPerS, run.offersPerS, run.offersPerCpuS] = [
          announces,
          relayed,
          Math.round(relayed / cpuShare),
        ]
      log(
        `${kind}: closed loop with ${offers} offers: ${announces} announces/s, ${relayed} offers relayed/s, tracker CPU ${Math.round(cpuShare * 100)} %`,
      )
      // Let replies still in flight drain before the next loop.
      await new Promise((resolve) => setTimeout(resolve, 1_000))
    }
    run.crashed = !server.alive()
  } finally {
    for (const generator of generators) generator.stop()
    await server.stop()
  }
  return run
}

/** More peers than the open-file limit allows: the tracker must refuse the excess and serve the rest. */
async function fileLimit(log: (line: string) => void): Promise<{ connected: number; served: number; alive: boolean }> {
  const port = await freePort()
  const server = await startSwarmdrop(port, { openFileLimit: FILE_LIMIT })
  const generator = await Generator.start()
  try {
    const infoHashes = Array.from({ length: 100 }, () => randomBytes(20).toString('binary'))
    const connected = await connectCrowd([generator], server.url, infoHashes, 0, FILE_LIMIT + 1_000)
    const steady = phase([
      await generator.ask<LatencyReport>({ type: 'steady', durationMs: 3_000, intervalMs: 3_000, offers: 0 }),
    ])
    const alive = server.alive()
    log(
      `file limit ${FILE_LIMIT}: ${connected} of ${FILE_LIMIT + 1_000} connected, ${steady.answered} announces answered, alive: ${alive}`,
    )
    return { connected, served: steady.answered, alive }
  } finally {
    generator.stop()
    await server.stop()
  }
}

export const trackerLoad: Benchmark = async () => {
  const log = (line: string) => console.log(`  ${line}`)
  const ours = await measure('swarmdrop', log, { crowdSteps: CROWD_STEPS })
  const stock = await measure('stock', log, { crowdSteps: CROWD_STEPS })
  // The floor only needs the largest crowd, for its throughput.
  const floor = await measure('floor', log, { crowdSteps: [CROWD_STEPS.at(-1)!] })
  const redis = await RedisServer.start()
  const workers = await measure('2 workers', log, {
    crowdSteps: WORKER_CROWD_STEPS,
    redisUrl: redis.url,
    throughput: false,
  }).finally(() => redis.stop())
  const limit = await fileLimit(log)
  const against = (
    name: string,
    value: number,
    anchor: number,
    unit: string,
    target: string,
    note?: string,
  ): Figure => ({
    name,
    value,
    unit,
    anchor: { name: 'stock bittorrent-tracker, same run', value: anchor, unit },
    ratio: anchor ? round(value / anchor, 2) : undefined,
    target,
    note,
  })
  const steadyAtHeld = (run: Run) => run.steps.findLast((step) => step.connected === run.held)
  return [
    against(
      'tracker: concurrent peers held (steady p99 < 100 ms)',
      ours.held,
      stock.held,
      'peers',
      '>= 15,000, ahead of stock',
      `tried ${CROWD_STEPS.join(', ')}`,
    ),
    against(
      'tracker: steady announce p99 at the crowd held',
      steadyAtHeld(ours)?.p99 ?? Number.NaN,
      steadyAtHeld(stock)?.p99 ?? Number.NaN,
      'ms',
      '< 100 ms',
      `5 offers per announce, every ${ANNOUNCE_INTERVAL_MS / 1000} s`,
    ),
    against(
      'tracker: burst announce p99 (every peer at once)',
      ours.burst?.p99 ?? Number.NaN,
      stock.burst?.p99 ?? Number.NaN,
      'ms',
      'under stock',
      `${ours.burst?.answered} vs ${stock.burst?.answered} announces`,
    ),
    {
      name: 'tracker: slowest /healthz during the burst',
      value: ours.healthzMaxMs,
      unit: 'ms',
      target: 'stays fast under load',
    },
    against(
      'tracker: resident memory at the crowd held',
      ours.rssMiB,
      stock.rssMiB,
      'MiB',
      '< 1024 MiB',
      `${ours.held} vs ${stock.held} peers`,
    ),
    against(
      'tracker: closed-loop announces/s, no offers',
      ours.announcesPerS,
      stock.announcesPerS,
      'announces/s',
      'ahead of stock',
      `every peer; floor ${floor.announcesPerS}`,
    ),
    against(
      'tracker: closed-loop announces/s, 5 offers each',
      ours.announcesWithOffersPerS,
      stock.announcesWithOffersPerS,
      'announces/s',
      'ahead of stock',
    ),
    against(
      'tracker: offers relayed/s (closed loop, 5 offers)',
      ours.offersPerS,
      stock.offersPerS,
      'offers/s',
      '>= 1.5 x stock',
      `floor (parse and forward, no bookkeeping) ${floor.offersPerS}`,
    ),
    against(
      'tracker: announces per tracker CPU-second, no offers',
      ours.announcesPerCpuS,
      stock.announcesPerCpuS,
      'announces/CPU-s',
      'ahead of stock',
    ),
    against(
      'tracker: offers relayed per tracker CPU-second',
      ours.offersPerCpuS,
      stock.offersPerCpuS,
      'offers/CPU-s',
      '>= 1.5 x stock',
      `floor ${floor.offersPerCpuS}`,
    ),
    {
      name: 'tracker: concurrent peers held by 2 workers through Redis (steady p99 < 100 ms)',
      value: workers.held,
      unit: 'peers',
      anchor: { name: 'one process, same run', value: ours.held, unit: 'peers' },
      ratio: round(workers.held / ours.held, 2),
      target: '>= 1.8 x one process at the same p99',
      note: workers.steps.map((step) => `${step.connected}: p99 ${step.p99} ms`).join('; '),
    },
    {
      name: `tracker: at an open-file limit of ${FILE_LIMIT}`,
      value: limit.served,
      unit: 'announces answered',
      target: 'new connections refused, existing peers served, no crash',
      note: `${limit.connected} of ${FILE_LIMIT + 1_000} peers admitted; ${limit.alive ? 'still running' : 'CRASHED'}`,
    },
  ]
}
