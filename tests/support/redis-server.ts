import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { freePort } from './wait.js'

/** Debian's redis-server on 127.0.0.1, in memory only (no files), for tests and benchmarks. */
export class RedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`
  }

  static async start(port?: number): Promise<RedisServer> {
    const chosen = port ?? (await freePort())
    const child = spawn(
      'redis-server',
      ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    while (!output.includes('Ready to accept connections')) {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${output.slice(-500)}`)
      await Promise.race([once(child.stdout!, 'data'), once(child, 'exit')])
    }
    return new RedisServer(child, chosen)
  }

  /** SIGSTOP / SIGCONT: Redis still connected but answering nothing, as when it hangs. */
  freeze(frozen: boolean): void {
    this.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT')
  }

  /** SIGKILL: Redis gone at once, as in a crash. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = once(this.child, 'exit')
    this.child.kill('SIGKILL')
    await exited
  }
}
