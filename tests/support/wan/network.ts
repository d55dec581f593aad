import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { mkdir, stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium, type Browser } from '@playwright/test'
import { chromiumOptions } from '../../e2e/browsers.js'
import { TestNamespace } from '../../e2e/netns.js'

const run = promisify(execFile)
const SOURCE = fileURLToPath(new URL('./link.c', import.meta.url))
const CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/swarmdrop-wan/', import.meta.url))
const BINARY = `${CACHE_DIR}link`
const TRACKER_CLI = fileURLToPath(new URL('../../../tracker/dist/cli.js', import.meta.url))
const APP_PORT = 8080

/** A path between two people: its round trip, random loss each way, and rate each way. */
export type WanPath = { name: string; rttMs: number; loss: number; rateMbit: number }

export type WanHost = { namespace: TestNamespace; address: string }

/**
 * Three hosts in network namespaces of their own (a sender, a receiver, and the server), joined by
 * an emulated link (link.c, in user space: this kernel has no sch_netem). Sender and receiver see
 * the path's round trip, loss and rate between them; each sees the same round trip to the server.
 * Queues hold one bandwidth-delay product, as a well-sized router's would.
 */
export class WanNetwork {
  private readonly browsers: Browser[] = []

  private constructor(
    private readonly link: ChildProcess,
    readonly sender: WanHost,
    readonly receiver: WanHost,
    readonly server: WanHost,
  ) {}

  static async create(path: WanPath, prefix = `sdwan${process.pid % 10_000}`): Promise<WanNetwork> {
    await build()
    // Each person's device adds a quarter of the round trip each way: a quarter + a quarter one way.
    const delayMs = path.rttMs / 4
    // Loss on each device, so that a packet crossing two of them is lost with the path's probability.
    const deviceLoss = 1 - Math.sqrt(1 - path.loss)
    const queueBytes = Math.max(Math.round((path.rateMbit * 1e6 * (path.rttMs / 1000)) / 8), 64 * 1024)
    const roles = ['s', 'r', 't'] as const
    const address = (index: number) => `10.78.0.${index + 1}`
    const devices = roles.map((role, index) =>
      role === 't'
        ? `${prefix}${role},${address(index)},${delayMs},0,0,0`
        : `${prefix}${role},${address(index)},${delayMs},${deviceLoss},${path.rateMbit},${queueBytes}`,
    )
    const link = spawn(BINARY, devices, { stdio: ['ignore', 'pipe', 'pipe'] })
    await new Promise<void>((resolve, reject) => {
      let output = ''
      link.stdout.on('data', (chunk: Buffer) => (output += chunk) && /ready/.test(output) && resolve())
      link.stderr.on('data', (chunk: Buffer) => (output += chunk))
      link.once('exit', (code) => reject(new Error(`the emulated link exited with ${code}: ${output}`)))
    })
    const hosts: WanHost[] = []
    try {
      for (const [index, role] of roles.entries()) {
        const namespace = await TestNamespace.create(`${prefix}-${role}`, { link: 'none' })
        hosts.push({ namespace, address: address(index) })
        const device = `${prefix}${role}`
        await run('ip', ['link', 'set', device, 'netns', namespace.name])
        await namespace.exec('ip', ['addr', 'add', `${address(index)}/24`, 'dev', device])
        await namespace.exec('ip', ['link', 'set', device, 'up'])
        // Chromium gathers no host candidates without a default route.
        await namespace.exec('ip', ['route', 'add', 'default', 'dev', device])
      }
    } catch (err) {
      link.kill('SIGKILL')
      await Promise.all(hosts.map((host) => host.namespace.destroy()))
      throw err
    }
    return new WanNetwork(link, hosts[0]!, hosts[1]!, hosts[2]!)
  }

  /** The app's origin. */
  get origin(): string {
    return `http://${this.server.address}:${APP_PORT}`
  }

  /** Runs the real server (tracker/dist/cli.js, built) on the server host: no TURN, no keeper. */
  async startApp(env: Record<string, string> = {}): Promise<void> {
    await this.server.namespace.start(
      process.execPath,
      [TRACKER_CLI],
      {
        PORT: String(APP_PORT),
        HOST: this.server.address,
        EMBEDDED_TURN: 'off',
        KEEPER: 'off',
        SOCKETS_PER_IP: '0',
        CONNECTIONS_PER_IP_PER_MINUTE: '0',
        ...env,
      },
      /Swarmdrop is running/,
    )
  }

  /** Chromium on a person's host (closed with the network); `dir` holds its launcher script. */
  async launchChromium(host: WanHost, dir: string): Promise<Browser> {
    const options = chromiumOptions({ disableFeatures: ['LocalNetworkAccessChecks'] })
    const browser = await chromium.launch({
      ...options,
      // The app needs a secure context (WebCrypto, service workers, the private file system), as
      // it has behind HTTPS; the emulated server is plain http on a private address.
      args: [...(options.args ?? []), `--unsafely-treat-insecure-origin-as-secure=${this.origin}`],
      executablePath: await host.namespace.chromiumLauncher(dir),
    })
    this.browsers.push(browser)
    return browser
  }

  async destroy(): Promise<void> {
    await Promise.all(this.browsers.map((browser) => browser.close().catch(() => {})))
    await Promise.all([this.sender, this.receiver, this.server].map((host) => host.namespace.destroy()))
    this.link.kill('SIGKILL')
  }
}

/** Compiles the link (once; again when its source changed). */
async function build(): Promise<void> {
  const [source, binary] = await Promise.all([stat(SOURCE), stat(BINARY).catch(() => null)])
  if (binary && binary.mtimeMs >= source.mtimeMs) return
  await mkdir(CACHE_DIR, { recursive: true })
  await run('gcc', ['-O2', '-Wall', '-o', BINARY, SOURCE])
}
