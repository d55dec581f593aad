import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, isAbsolute, join } from 'node:path'

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

const RESTART_DELAYS_MS = [200, 1_000, 5_000, 15_000]
const STOP_TIMEOUT_MS = 3_000

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
export class CoturnProcess extends EventEmitter {
  private child: ChildProcess | null = null
  private runDir: string | null = null
  private restarts = 0
  private restartTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(readonly options: CoturnOptions) {
    super()
  }

  /** The running coturn's process id, or undefined between restarts. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined
  }

  async start(): Promise<void> {
    this.runDir = await mkdtemp(join(tmpdir(), 'swarmdrop-coturn-'))
    await writeFile(join(this.runDir, 'turnserver.conf'), coturnConfig(this.options, this.runDir), { mode: 0o600 })
    this.spawn()
  }

  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    const child = this.child
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    }
    if (this.runDir) await rm(this.runDir, { recursive: true, force: true })
  }

  private spawn(): void {
    if (this.stopped || !this.runDir) return
    const child = spawn(this.options.binary, ['-c', join(this.runDir, 'turnserver.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const startedAt = Date.now()
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.trim()) this.emit('log', line.trim())
      })
    }
    child.once('spawn', () => this.emit('started'))
    child.once('error', (err) => this.emit('log', `could not run ${this.options.binary}: ${err.message}`))
    child.once('exit', (code) => {
      if (this.stopped) return
      this.emit('exit', code)
      // A coturn that ran for a while before dying starts again quickly; one that keeps dying backs off.
      if (Date.now() - startedAt > 60_000) this.restarts = 0
      const delay = RESTART_DELAYS_MS[Math.min(this.restarts++, RESTART_DELAYS_MS.length - 1)]
      this.restartTimer = setTimeout(() => this.spawn(), delay)
    })
  }
}
