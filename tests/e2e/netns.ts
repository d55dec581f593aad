import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CHROMIUM_PATH } from './browsers.js'

const run = promisify(execFile)
/** An address that exists only inside the test's namespace. */
const TEST_LAN_ADDRESS = '10.201.0.1/24'
/** How long a process that prints nothing must run before it counts as started. */
const SILENT_START_MS = 500

/**
 * A network namespace made by the test, with its own loopback and firewall: what runs inside sees
 * only what the rules let through, and nothing reaches the machine's real network. `destroy()`
 * removes it, with every process started in it.
 */
export class TestNamespace {
  private readonly processes: ChildProcess[] = []
  private hostDevice: string | null = null
  /** The namespace's own address on its link to this machine (`link: { index }` only). */
  insideAddress: string | null = null

  private constructor(readonly name: string) {}

  /**
   * `link: 'internal'` gives the namespace a LAN-like interface of its own (WebRTC gathers no candidates
   * on a host with only loopback); `link: { index }` joins it to this machine with a veth pair, this
   * side 10.201.<index>.1 and the namespace 10.201.<index>.2, like a second host on a private link;
   * `link: 'none'`: loopback only, for the caller to add a device of its own.
   */
  static async create(
    name: string,
    options: { link: 'internal' | 'none' | { index: number }; iptablesRules?: string[][] },
  ): Promise<TestNamespace> {
    await run('ip', ['netns', 'del', name]).catch(() => {})
    await run('ip', ['netns', 'add', name])
    const namespace = new TestNamespace(name)
    try {
      await namespace.exec('ip', ['link', 'set', 'lo', 'up'])
      if (options.link === 'internal') {
        await namespace.exec('ip', ['link', 'add', 'sd-lan', 'type', 'veth', 'peer', 'name', 'sd-peer'])
        await namespace.exec('ip', ['addr', 'add', TEST_LAN_ADDRESS, 'dev', 'sd-lan'])
        for (const device of ['sd-lan', 'sd-peer']) await namespace.exec('ip', ['link', 'set', device, 'up'])
      } else if (options.link !== 'none') {
        const hostDevice = `sdh${options.link.index}`
        namespace.hostDevice = hostDevice
        namespace.insideAddress = namespace.linkAddresses(options.link.index).inside
        await run('ip', ['link', 'del', hostDevice]).catch(() => {})
        await run('ip', ['link', 'add', hostDevice, 'type', 'veth', 'peer', 'name', 'sd-in', 'netns', name])
        await run('ip', ['addr', 'add', `${namespace.linkAddresses(options.link.index).host}/24`, 'dev', hostDevice])
        await run('ip', ['link', 'set', hostDevice, 'up'])
        await namespace.exec('ip', [
          'addr',
          'add',
          `${namespace.linkAddresses(options.link.index).inside}/24`,
          'dev',
          'sd-in',
        ])
        await namespace.exec('ip', ['link', 'set', 'sd-in', 'up'])
      }
      for (const rule of options.iptablesRules ?? []) await namespace.exec('iptables', rule)
    } catch (err) {
      await namespace.destroy()
      throw err
    }
    return namespace
  }

  /** The two ends of a `link: { index }` namespace. */
  linkAddresses(index: number): { host: string; inside: string } {
    return { host: `10.201.${index}.1`, inside: `10.201.${index}.2` }
  }

  exec(command: string, args: string[]) {
    return run('ip', ['netns', 'exec', this.name, command, ...args])
  }

  /**
   * Starts a long-running process inside; resolves once its output matches `readyLine`, or (for
   * daemons that print nothing) once it has run for a moment without exiting.
   */
  async start(
    command: string,
    args: string[],
    env: Record<string, string>,
    readyLine: RegExp | 'silent',
  ): Promise<ChildProcess> {
    const child = spawn('ip', ['netns', 'exec', this.name, command, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.processes.push(child)
    let output = ''
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${command} did not start:\n${output}`)), 20_000)
      if (readyLine === 'silent') {
        const settled = setTimeout(() => {
          clearTimeout(timer)
          resolve()
        }, SILENT_START_MS)
        child.once('exit', () => clearTimeout(settled))
      }
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        if (readyLine !== 'silent' && readyLine.test(output)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout?.on('data', onData)
      child.stderr?.on('data', onData)
      child.once('exit', (code) => reject(new Error(`${command} exited with ${code}:\n${output}`)))
    })
    return child
  }

  /** A Chromium launcher that runs the browser inside this namespace (Playwright talks to it over a pipe). */
  async chromiumLauncher(dir: string): Promise<string> {
    const path = join(dir, `chromium-in-${this.name}.sh`)
    await writeFile(path, `#!/bin/sh\nexec ip netns exec ${this.name} ${CHROMIUM_PATH} "$@"\n`)
    await chmod(path, 0o755)
    return path
  }

  async destroy(): Promise<void> {
    for (const child of this.processes) {
      if (child.exitCode !== null || child.signalCode !== null) continue
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))])
    }
    await run('ip', ['netns', 'pids', this.name])
      .then(({ stdout }) =>
        stdout
          .split('\n')
          .filter(Boolean)
          .forEach((pid) => process.kill(Number(pid), 'SIGKILL')),
      )
      .catch(() => {})
    await run('ip', ['netns', 'del', this.name]).catch(() => {})
    if (this.hostDevice) await run('ip', ['link', 'del', this.hostDevice]).catch(() => {})
  }
}
