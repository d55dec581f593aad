#!/usr/bin/env node
import cluster from 'node:cluster'
import { parseArgs } from 'node:util'
import { isIPv6 } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { fail, RTC_CONFIG_PATH, TRACKER_ANNOUNCE_PATH, type Result } from '@swarmdrop/common'
import type { KeeperConfig } from '@swarmdrop/keeper'
import { parseServerConfig, type ServerConfig } from './config.js'
import { KeeperLink } from './keeper-link.js'
import { createLogger } from './log.js'
import { SwarmdropServer, type Rejection } from './server.js'
import { SupervisedProcess } from './supervised.js'
import { CoturnProcess, findExecutable, generateTurnSecret } from './turn/coturn.js'

const SHUTDOWN_TIMEOUT_MS = 5_000
/**
 * A tracker allocates a little for every message and keeps little: a larger young generation means
 * fewer scavenges (measured: ~10 % more offers relayed per CPU-second; see bench/results.json).
 */
const YOUNG_GENERATION_SEMI_SPACE_MIB = 64
setFlagsFromString(`--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB}`)
const parsed = readConfig()
const log = createLogger(parsed.ok ? parsed.value.logLevel : 'info')
if (!parsed.ok) {
  log.fatal(`Invalid configuration:\n${parsed.error}`)
  process.exit(1)
}
if (cluster.isPrimary && parsed.value.workers > 1) await runWorkers(parsed.value)
else await runServer(parsed.value)

/** The environment, and `--workers N` from the command line (npm start -- --workers 2). */
function readConfig(): Result<ServerConfig> {
  let workers: string | undefined
  try {
    workers = parseArgs({ options: { workers: { type: 'string' } } }).values.workers
  } catch (err) {
    return fail(`Command line: ${(err as Error).message} (the only option is --workers N).`)
  }
  return parseServerConfig(workers === undefined ? process.env : { ...process.env, WORKERS: workers })
}

/** One tracker process: the whole server (and the embedded coturn when this is not a cluster worker). */
async function runServer(settings: ServerConfig): Promise<void> {
  const { config, coturn } = cluster.isPrimary ? await withEmbeddedTurn(settings) : { config: settings, coturn: null }
  let server: SwarmdropServer
  try {
    server = new SwarmdropServer(config)
  } catch (err) {
    log.fatal((err as Error).message)
    await coturn?.stop()
    process.exit(1)
  }
  // Client addresses are personal data: logged only when the operator asks (LOG_IPS=true).
  server.on('rejected', ({ reason, detail, address }: Rejection) =>
    log.debug(config.logIps ? { reason, ip: address } : { reason }, detail),
  )
  server.on('warning', (err: Error) => log.debug({ err: err.message }, 'client input rejected'))
  server.on('error', (err: Error) => log.error({ err }, 'server error'))
  server.on('redis', (state: string) =>
    state === 'up'
      ? log.info('Redis: connected; swarms are shared')
      : log.warn("Redis: unreachable; serving this instance's peers only until it is back"),
  )

  let keeper: SupervisedProcess | null = null
  try {
    const address = await server.listen()
    if (cluster.isPrimary) log.info({ port: address.port }, `Swarmdrop is running: open ${address.url}`)
    if (cluster.isPrimary) keeper = startKeeper(config, address.port)
    const socket = keeper ? keeperSocket() : process.env.SWARMDROP_KEEPER_SOCKET
    if (config.keeper && socket) server.keeper = new KeeperLink(socket)
  } catch (err) {
    log.fatal(`Could not start: ${(err as Error).message}`)
    await coturn?.stop()
    process.exit(1)
  }
  onShutdown(() => Promise.all([server.close(), coturn?.stop(), keeper?.stop()]))
}

/** Where the keeper listens: one socket per `npm start`, which every worker of it passes requests to. */
function keeperSocket(): string {
  return join(tmpdir(), `swarmdrop-keeper-${cluster.isPrimary ? process.pid : process.ppid}.sock`)
}

/**
 * The keeper (keeper/src/cli.ts) as a supervised child: it seeds private shares after their sender
 * leaves, through this tracker, and answers the app on a Unix socket. Null when the operator turned it off.
 */
function startKeeper(config: ServerConfig, port: number): SupervisedProcess | null {
  if (!config.keeper) return null
  const host = !config.host || config.host === '0.0.0.0' ? '127.0.0.1' : config.host === '::' ? '::1' : config.host
  const origin = `${isIPv6(host) ? `[${host}]` : host}:${port}`
  const relayed = config.turn !== null || config.iceServers.length > 0
  const keeper = new SupervisedProcess({
    command: process.execPath,
    args: [fileURLToPath(import.meta.resolve('@swarmdrop/keeper/cli'))],
    env: {
      ...process.env,
      SWARMDROP_KEEPER: JSON.stringify({
        ...config.keeper,
        trackers: [`ws://${origin}${TRACKER_ANNOUNCE_PATH}`],
        rtcConfigUrl: relayed ? `http://${origin}${RTC_CONFIG_PATH}` : null,
      } satisfies KeeperConfig),
      SWARMDROP_KEEPER_SOCKET: keeperSocket(),
    },
    ipc: true,
  })
  keeper.on('log', (line: string) => log.warn({ keeper: line }))
  keeper.on('exit', (code: number | null) => log.warn({ code }, 'Keeper exited; starting it again'))
  const { dir, maxShareBytes, maxHours } = config.keeper
  keeper.once('message', () =>
    log.info(
      { dir },
      `Keeper: on, in ${dir} (private shares of up to ${Math.round(maxShareBytes / 1024 ** 2)} MiB, for up to ${maxHours} h; KEEPER=off turns it off)`,
    ),
  )
  keeper.start()
  return keeper
}

/**
 * `workers` tracker processes behind one port (Node's cluster hands connections round-robin), sharing
 * their swarms through Redis. This process runs the embedded coturn once and hands its settings to the
 * workers, restarts a worker that dies, and on SIGTERM stops them all.
 */
async function runWorkers(settings: ServerConfig): Promise<void> {
  const { config, coturn } = await withEmbeddedTurn(settings)
  const env: Record<string, string> = {
    EMBEDDED_TURN: 'off',
    SWARMDROP_KEEPER_SOCKET: keeperSocket(),
    WORKERS: '1',
    ICE_SERVERS: JSON.stringify(config.iceServers),
  }
  if (config.turn)
    Object.assign(env, {
      TURN_URLS: config.turn.urls.join(','),
      TURN_SECRET: config.turn.secret,
      TURN_TTL_S: String(config.turn.ttlS),
    })
  let stopping = false
  let listening = 0
  let keeper: SupervisedProcess | null = null
  cluster.on('listening', (_worker, address) => {
    if (listening === 0) keeper = startKeeper(config, address.port)
    if (++listening === config.workers)
      log.info(
        { port: address.port, workers: config.workers },
        `Swarmdrop is running with ${config.workers} workers: open http://${config.host ?? 'localhost'}:${address.port}/`,
      )
  })
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    log.warn({ code, signal }, `Worker ${worker.id} died; starting another`)
    cluster.fork(env)
  })
  for (let i = 0; i < config.workers; i++) cluster.fork(env)
  onShutdown(async () => {
    stopping = true
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined)
    await Promise.all(
      workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).process.kill('SIGTERM'))),
    )
    await Promise.all([coturn?.stop(), keeper?.stop()])
  })
}

function onShutdown(stop: () => Promise<unknown>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info(`${signal}: shutting down; telling clients to reconnect`)
      setTimeout(() => {
        log.warn(`Shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting anyway`)
        process.exit(1)
      }, SHUTDOWN_TIMEOUT_MS).unref()
      void stop().then(() => process.exit(0))
    })
  }
}

/**
 * With no TURN configured, run coturn ourselves when it is installed, with a fresh secret, so the
 * relay works out of the box; otherwise say how to get one.
 */
async function withEmbeddedTurn(config: ServerConfig): Promise<{ config: ServerConfig; coturn: CoturnProcess | null }> {
  const embedded = config.embeddedTurn
  if (config.turn) {
    log.info(`TURN relay: ${config.turn.urls.join(', ')}`)
    return { config, coturn: null }
  }
  if (!embedded.enabled) {
    log.warn(
      'TURN relay: off (EMBEDDED_TURN=off and no TURN_URLS). Peers that cannot connect directly will not connect.',
    )
    return { config, coturn: null }
  }
  const binary = findExecutable(embedded.binary)
  if (!binary) {
    log.warn(
      'TURN relay unavailable: coturn is not installed. Install it (Debian: apt-get install coturn) or set TURN_URLS and TURN_SECRET for a coturn you run.',
    )
    return { config, coturn: null }
  }
  const secret = generateTurnSecret()
  const coturn = new CoturnProcess({
    binary,
    listeningPort: embedded.port,
    listeningIp: config.host,
    relayPortRange: embedded.relayPortRange,
    realm: 'swarmdrop',
    secret,
    allowLoopbackPeers: embedded.allowLoopbackPeers,
  })
  let starts = 0
  coturn.on('started', () => starts++ > 0 && log.warn('TURN relay: coturn restarted'))
  coturn.on('exit', (code: number | null) => log.warn({ code }, 'TURN relay: coturn exited'))
  coturn.on('log', (line: string) => log.debug({ coturn: line }))
  await coturn.start()
  const port = embedded.port
  log.info(`TURN relay: embedded coturn on port ${port} (relay ports ${embedded.relayPortRange.join('-')})`)
  return {
    coturn,
    config: {
      ...config,
      iceServers: [...config.iceServers, { urls: [`stun:{host}:${port}`] }],
      turn: {
        urls: [`turn:{host}:${port}?transport=udp`, `turn:{host}:${port}?transport=tcp`],
        secret,
        ttlS: embedded.ttlS,
      },
    },
  }
}
