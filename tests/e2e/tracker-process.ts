import { spawn, type ChildProcess } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../tracker/dist/cli.js', import.meta.url))

/** The real `npm start` server (tracker/dist/cli.js) as its own process, so a test can kill it. */
export class TrackerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /**
   * `env` adds to the defaults; `openFileLimit` runs it under that `ulimit -n` (the limit-reached case).
   */
  static async start(
    port: number,
    options: { env?: Record<string, string>; args?: string[]; openFileLimit?: number } = {},
  ): Promise<TrackerProcess> {
    // Tests open many pages from one address: per-address limits off, as in localServerConfig.
    const env = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_TURN: 'off',
      // Tests that need the keeper turn it on with a folder of their own.
      KEEPER: 'off',
      SOCKETS_PER_IP: '0',
      CONNECTIONS_PER_IP_PER_MINUTE: '0',
      ...options.env,
    }
    const args = [CLI, ...(options.args ?? [])]
    const child = options.openFileLimit
      ? spawn('bash', ['-c', `ulimit -n ${options.openFileLimit} && exec "$@"`, 'bash', process.execPath, ...args], {
          env,
          stdio: 'ignore',
        })
      : spawn(process.execPath, args, { env, stdio: 'ignore' })
    const url = `http://127.0.0.1:${port}`
    const deadline = Date.now() + 15_000
    for (;;) {
      if (child.exitCode !== null) throw new Error(`The tracker exited with code ${child.exitCode}`)
      if (
        await fetch(`${url}/healthz`).then(
          (response) => response.ok,
          () => false,
        )
      )
        return new TrackerProcess(child, url)
      if (Date.now() > deadline) {
        child.kill('SIGKILL')
        throw new Error('The tracker did not answer /healthz within 15 s')
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  get pid(): number {
    return this.child.pid!
  }

  /** With --workers: the worker processes' IDs (the children of this one). */
  async workerPids(): Promise<number[]> {
    const children = await readFile(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8')
    return children.trim().split(/\s+/).filter(Boolean).map(Number)
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Stops it with `signal` (SIGKILL: a crash; SIGTERM: a deploy) and resolves with its exit code. */
  stop(signal: NodeJS.Signals): Promise<number | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve(this.child.exitCode)
    return new Promise((resolve) => {
      this.child.once('exit', (code) => resolve(code))
      this.child.kill(signal)
    })
  }
}
