#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8'
import pino from 'pino'
import { parseServerConfig, type ServerConfig } from './config.js'
import { SwarmdropServer, type Rejection } from './server.js'
import { CoturnProcess, findExecutable, generateTurnSecret } from './turn/coturn.js'

const SHUTDOWN_TIMEOUT_MS = 5_000
/**
 * A tracker allocates a little for every message and keeps little: a larger young generation means
 * fewer scavenges (measured: ~10 % more offers relayed per CPU-second; see bench/results.json).
 */
const YOUNG_GENERATION_SEMI_SPACE_MIB = 64
setFlagsFromString(`--max-semi-space-size=${YOUNG_GENERATION_SEMI_SPACE_MIB}`)
const parsed = parseServerConfig(process.env)
const log = pino({ base: undefined, level: parsed.ok ? parsed.value.logLevel : 'info' })
if (!parsed.ok) {
  log.fatal(`Invalid configuration:\n${parsed.error}`)
  process.exit(1)
}

const { config, coturn } = await withEmbeddedTurn(parsed.value)

let server: SwarmdropServer
try {
  server = new SwarmdropServer(config)
} catch (err) {
  log.fatal((err as Error).message)
  await coturn?.stop()
  process.exit(1)
}
// Client addresses are personal data: logged only when the operator asks (LOG_IPS=true).
server.on('rejected', ({ reason, detail, address }: Rejection) => log.debug(config.logIps ? { reason, ip: address } : { reason }, detail))
server.on('warning', (err: Error) => log.debug({ err: err.message }, 'client input rejected'))
server.on('error', (err: Error) => log.error({ err }, 'server error'))

try {
  const address = await server.listen()
  log.info({ port: address.port }, `Swarmdrop is running: open ${address.url}`)
} catch (err) {
  log.fatal(`Could not start: ${(err as Error).message}`)
  await coturn?.stop()
  process.exit(1)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: shutting down; telling clients to reconnect`)
    setTimeout(() => {
      log.warn(`Shutdown took over ${SHUTDOWN_TIMEOUT_MS / 1000} s; exiting anyway`)
      process.exit(1)
    }, SHUTDOWN_TIMEOUT_MS).unref()
    void Promise.all([server.close(), coturn?.stop()]).then(() => process.exit(0))
  })
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
    log.warn('TURN relay: off (EMBEDDED_TURN=off and no TURN_URLS). Peers that cannot connect directly will not connect.')
    return { config, coturn: null }
  }
  const binary = findExecutable(embedded.binary)
  if (!binary) {
    log.warn('TURN relay unavailable: coturn is not installed. Install it (Debian: apt-get install coturn) or set TURN_URLS and TURN_SECRET for a coturn you run.')
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
      turn: { urls: [`turn:{host}:${port}?transport=udp`, `turn:{host}:${port}?transport=tcp`], secret, ttlS: embedded.ttlS },
    },
  }
}
