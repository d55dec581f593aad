import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('../../hybrid-node/dist/cli.js', import.meta.url))

export type HybridEvent = { event: string; [field: string]: unknown }

/**
 * The hybrid-node CLI as a person or script runs it, with --json output: events can be awaited, and
 * the process is stopped (SIGTERM, then SIGKILL) by `stop()`.
 */
export class HybridProcess {
  readonly events: HybridEvent[] = []
  private readonly waiters = new Set<() => void>()
  private stderr = ''
  readonly exited: Promise<number | null>

  private constructor(readonly child: ChildProcess) {
    let buffered = ''
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      buffered += text
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      for (const line of lines.filter(Boolean)) {
        try {
          this.events.push(JSON.parse(line) as HybridEvent)
        } catch {
          this.events.push({ event: 'text', line })
        }
      }
      for (const waiter of this.waiters) waiter()
    })
    child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderr += text))
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        for (const waiter of this.waiters) waiter()
        resolve(code)
      }),
    )
  }

  static start(args: string[], options: { prefix?: string[] } = {}): HybridProcess {
    const [command, ...prefix] = options.prefix ?? []
    const child = command
      ? spawn(command, [...prefix, process.execPath, CLI, ...args, '--json'])
      : spawn(process.execPath, [CLI, ...args, '--json'])
    return new HybridProcess(child)
  }

  get output(): string {
    return `${this.events.map((event) => JSON.stringify(event)).join('\n')}\n${this.stderr}`
  }

  /** Resolves with the first event that matches, failing with the process's output on timeout or exit. */
  waitFor(match: (event: HybridEvent) => boolean, timeoutMs = 60_000): Promise<HybridEvent> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`timed out; output:\n${this.output}`)), timeoutMs)
      const check = () => {
        const found = this.events.find(match)
        if (found) finish(null, found)
        else if (this.child.exitCode !== null)
          finish(new Error(`exited with ${this.child.exitCode}; output:\n${this.output}`))
      }
      const finish = (err: Error | null, event?: HybridEvent) => {
        clearTimeout(timer)
        this.waiters.delete(check)
        if (err) reject(err)
        else resolve(event!)
      }
      this.waiters.add(check)
      check()
    })
  }

  /** The latest status of one torrent, from the --json status lines. */
  latestStatus(infoHash: string): { progress: number; uploaded: number; peers: Record<string, number> } | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) {
      const event = this.events[i]!
      if (event.event !== 'status') continue
      const torrents = event.torrents as Array<{
        infoHash: string
        progress: number
        uploaded: number
        peers: Record<string, number>
      }>
      const torrent = torrents.find((t) => t.infoHash === infoHash)
      if (torrent) return torrent
    }
    return undefined
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill(signal)
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 8_000)
      await this.exited
      clearTimeout(timer)
    }
    return this.child.exitCode
  }
}
