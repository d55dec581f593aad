import { randomBytes } from 'node:crypto'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, isAbsolute, join } from 'node:path'
import { SupervisedProcess } from '../supervised.js'

export type CoturnOptions = {
  /** Path of coturn's `turnserver` binary. */
  binary: string
  listeningPort: number
  /** Address to listen and relay on; undefined listens on every interface. */
  listeningIp?: string
  relayPortRange: [number, number]
  realm: string
  /** Shared with the tracker, which signs short-lived credentials with it. */
  secret: string
  /** Lets peers on this machine reach each other through the relay. For tests and local use only. */
  allowLoopbackPeers: boolean
}

/** The full path of an executable on PATH (or the path itself, when absolute and executable), or null. */
export function findExecutable(name: string, path = process.env.PATH ?? ''): string | null {
  const candidates = isAbsolute(name)
    ? [name]
    : [...path.split(delimiter), '/usr/sbin', '/usr/bin'].filter(Boolean).map((dir) => join(dir, name))
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return null
}

export const generateTurnSecret = (): string => randomBytes(32).toString('base64url')

/** coturn's configuration file for `options`: REST credentials only, no TLS, no CLI. */
export function coturnConfig(options: CoturnOptions, runDir: string): string {
  return [
    `listening-port=${options.listeningPort}`,
    ...(options.listeningIp ? [`listening-ip=${options.listeningIp}`, `relay-ip=${options.listeningIp}`] : []),
    `min-port=${options.relayPortRange[0]}`,
    `max-port=${options.relayPortRange[1]}`,
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    `realm=${options.realm}`,
    'fingerprint',
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-multicast-peers',
    ...(options.allowLoopbackPeers ? ['allow-loopback-peers'] : []),
    `userdb=${join(runDir, 'turndb')}`,
    `pidfile=${join(runDir, 'turnserver.pid')}`,
    'log-file=stdout',
    'simple-log',
    '',
  ].join('\n')
}

/**
 * A supervised coturn: started with a generated config file, restarted when it dies (with back-off),
 * stopped with `stop()`. Emits `started`, `exit` (code, only when it died on its own) and `log` (line).
 */
export class CoturnProcess extends SupervisedProcess {
  private runDir: string | null = null

  constructor(readonly options: CoturnOptions) {
    super({ command: options.binary, args: [] })
  }

  override async start(): Promise<void> {
    this.runDir = await mkdtemp(join(tmpdir(), 'swarmdrop-coturn-'))
    await writeFile(join(this.runDir, 'turnserver.conf'), coturnConfig(this.options, this.runDir), { mode: 0o600 })
    this.spec.args = ['-c', join(this.runDir, 'turnserver.conf')]
    super.start()
  }

  override async stop(): Promise<void> {
    await super.stop()
    if (this.runDir) await rm(this.runDir, { recursive: true, force: true })
  }
}
