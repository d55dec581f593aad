#!/usr/bin/env node
import { rm } from 'node:fs/promises'
import { Keeper, parseKeeperConfig } from './keeper.js'
import { createKeeperApi } from './api.js'

/*
 * The keeper's process, started and supervised by the tracker (tracker/src/keeper-process.ts), which
 * hands it its configuration as JSON in SWARMDROP_KEEPER and the Unix socket to listen on in
 * SWARMDROP_KEEPER_SOCKET. It ends with the tracker: when the IPC channel closes, even on a SIGKILL.
 */

const config = parseKeeperConfig(process.env.SWARMDROP_KEEPER ?? '')
const socket = process.env.SWARMDROP_KEEPER_SOCKET
if (!config.ok || !socket) {
  console.error(`The keeper cannot start: ${config.ok ? 'SWARMDROP_KEEPER_SOCKET is not set' : config.error}`)
  process.exit(2)
}

const keeper = new Keeper(config.value)
await keeper.start()
const api = createKeeperApi(keeper)
await rm(socket, { force: true })
await new Promise<void>((resolve) => api.listen(socket, resolve))
process.send?.('ready')

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  api.close()
  await keeper.stop()
  await rm(socket, { force: true })
  process.exit(0)
}
process.on('disconnect', () => void stop())
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop())
