#!/usr/bin/env node
import pino from 'pino'
import { parseServerConfig } from './config.js'
import { SwarmdropServer } from './server.js'

const SHUTDOWN_TIMEOUT_MS = 5_000
const log = pino({ base: undefined })

const config = parseServerConfig(process.env)
if (!config.ok) {
  log.fatal(`Invalid configuration:\n${config.error}`)
  process.exit(1)
}

let server: SwarmdropServer
try {
  server = new SwarmdropServer(config.value)
} catch (err) {
  log.fatal((err as Error).message)
  process.exit(1)
}
server.on('warning', (err: Error) => log.debug({ err: err.message }, 'client input rejected'))
server.on('error', (err: Error) => log.error({ err }, 'server error'))

try {
  const address = await server.listen()
  log.info({ port: address.port }, `Swarmdrop is running: open ${address.url}`)
} catch (err) {
  log.fatal(`Could not start: ${(err as Error).message}`)
  process.exit(1)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info(`${signal}: shutting down`)
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref()
    void server.close().then(() => process.exit(0))
  })
}
