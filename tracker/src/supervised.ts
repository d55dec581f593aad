import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process'
import { EventEmitter } from 'node:events'

const RESTART_DELAYS_MS = [200, 1_000, 5_000, 15_000]
const STOP_TIMEOUT_MS = 3_000

export type SupervisedCommand = {
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  /** With an IPC channel (a Node child): it can tell when its parent is gone, even after a SIGKILL. */
  ipc?: boolean
}

/**
 * A child process the server runs beside itself (coturn, the keeper): restarted when it dies, with
 * back-off; stopped with `stop()`. Emits `started`, `exit` (code, only when it died on its own), `log`
 * (each line it writes) and `message` (what a Node child sends over IPC).
 */
export class SupervisedProcess extends EventEmitter {
  private child: ChildProcess | null = null
  private restarts = 0
  private restartTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(protected readonly spec: SupervisedCommand) {
    super()
  }

  /** The running child's process id, or undefined between restarts. */
  get pid(): number | undefined {
    return this.child?.exitCode === null ? this.child.pid : undefined
  }

  start(): void | Promise<void> {
    this.spawnChild()
  }

  private spawnChild(): void {
    if (this.stopped) return
    const stdio: StdioOptions = ['ignore', 'pipe', 'pipe', ...(this.spec.ipc ? ['ipc' as const] : [])]
    const child = spawn(this.spec.command, this.spec.args, { stdio, env: this.spec.env ?? process.env })
    this.child = child
    const startedAt = Date.now()
    for (const stream of [child.stdout, child.stderr]) {
      stream?.setEncoding('utf8').on('data', (text: string) => {
        for (const line of text.split('\n')) if (line.trim()) this.emit('log', line.trim())
      })
    }
    child.on('message', (message) => this.emit('message', message))
    child.once('spawn', () => this.emit('started'))
    child.once('error', (err) => this.emit('log', `could not run ${this.spec.command}: ${err.message}`))
    child.once('exit', (code) => {
      if (this.stopped) return
      this.emit('exit', code)
      // A child that ran for a while before dying starts again quickly; one that keeps dying backs off.
      if (Date.now() - startedAt > 60_000) this.restarts = 0
      const delay = RESTART_DELAYS_MS[Math.min(this.restarts++, RESTART_DELAYS_MS.length - 1)]
      this.restartTimer = setTimeout(() => this.spawnChild(), delay)
    })
  }

  /** Stops it for good: SIGTERM, then SIGKILL if it has not exited within a few seconds. */
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
  }
}
