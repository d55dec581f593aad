import { execFile } from 'node:child_process'
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { chromium, type Browser } from '@playwright/test'
import { workaroundsFor, type EngineReport } from '@swarmdrop/engine'
import { findExecutable, localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { chromiumLaunchOptions } from './browsers.js'
import { CLASSIC_CLIENTS } from './classic-clients.js'
import { expect, randomFile, sha256, test, WEB_ROOT, writeTree } from './fixtures.js'
import { HybridProcess } from './hybrid.js'
import { TestNamespace } from './netns.js'
import { SwarmdropPage } from './swarmdrop-page.js'

const MiB = 1024 * 1024
const run = promisify(execFile)
/** A classic client reaches the hybrid node within this, where uTP-first dialling took ~40 s. */
const FIRST_CONTACT_MS = 10_000

/**
 * Real classic clients (Transmission, qBittorrent, rTorrent), each with its own defaults, in both
 * directions through the hybrid node, which runs with its own defaults too (uTP on). The client runs as
 * a second host: a network namespace joined to this machine by a veth pair (10.201.N.2 there, 10.201.N.1
 * here; Transmission does not trade with peers on 127.0.0.1). The tracker, the hybrid node and
 * Chromium stay here; the browser only ever speaks WebRTC, to the hybrid node.
 */
test.describe('classic BitTorrent clients, through the hybrid node', () => {
  test.skip(process.getuid?.() !== 0, 'needs root (network namespaces)')
  test.setTimeout(150_000)

  let namespace: TestNamespace
  let server: SwarmdropServer
  let browser: Browser
  let origin: string
  const hybrids: HybridProcess[] = []

  test.beforeEach(async ({}, testInfo) => {
    const index = 100 + testInfo.parallelIndex
    namespace = await TestNamespace.create(`swarmdrop-tr-${process.pid}-${testInfo.parallelIndex}`, { link: { index } })
    const here = namespace.linkAddresses(index).host
    const port = 18_300 + testInfo.parallelIndex
    server = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT, host: here, port }))
    origin = `http://${here}:${(await server.listen()).port}`
    // The app needs a secure context (WebCrypto, service workers); this private address is not one.
    browser = await chromium.launch({
      ...chromiumLaunchOptions,
      args: [...chromiumLaunchOptions.args!, `--unsafely-treat-insecure-origin-as-secure=${origin}`],
    })
  })

  test.afterEach(async () => {
    await Promise.all(hybrids.splice(0).map((hybrid) => hybrid.stop()))
    await browser.close()
    await server.close()
    await namespace.destroy()
  })

  const person = async () => new SwarmdropPage(await (await browser.newContext()).newPage(), origin)
  const trackerFor = (over: 'http' | 'udp') => (over === 'http' ? `${origin}/announce` : origin.replace(/^http/, 'udp'))

  /** The hybrid node as a person runs it, but with no DHT: its public bootstrap nodes are off limits to tests. */
  const bridge = (source: string, out: string, more: string[] = []) => {
    const hybrid = HybridProcess.start(['bridge', source, '-o', out, '--app', origin, '--no-dht', ...more])
    hybrids.push(hybrid)
    return hybrid
  }

  const stats = async () => (await (await fetch(`${origin}/stats`)).json()) as { seeders: number; peers: number }

  for (const client of CLASSIC_CLIENTS) {
    test.describe(client.name, () => {
      test.skip(!findExecutable(client.binary), `needs ${client.binary}`)

      test(`${client.name} seeds, the hybrid node bridges, a browser downloads`, async ({ workDir }) => {
        const bob = await person()
        const hashes = await writeTree(join(workDir, 'seed'), { 'classic.bin': randomFile(6 * MiB) })
        const torrentPath = join(workDir, 'classic.torrent')
        const tracker = trackerFor(client.announceOver)
        await run('transmission-create', ['-o', torrentPath, '-t', tracker, join(workDir, 'seed', 'classic.bin')])
        await client.start(namespace, workDir, torrentPath, join(workDir, 'seed'))
        // Seeding once the tracker lists it as a seeder (its announce comes after checking the files).
        await expect.poll(async () => (await stats()).seeders, { timeout: 30_000 }).toBe(1)

        const statusPort = 18_400 + test.info().parallelIndex
        const hybrid = bridge(torrentPath, join(workDir, 'bridge'), ['--status-port', String(statusPort)])
        const bridging = await hybrid.waitFor((event) => event.event === 'bridging')
        const firstPeer = await hybrid.waitFor((event) => event.event === 'first-peer')
        expect(['tcp', 'utp']).toContain(firstPeer.transport)
        expect(Number(firstPeer.afterMs)).toBeLessThan(FIRST_CONTACT_MS)
        await hybrid.waitFor((event) => event.event === 'done', 90_000)

        await bob.page.goto(`${origin}/#h=${String(bridging.infoHash)}`)
        await bob.waitUntilDone(120_000)
        expect(sha256(await bob.saveFile('classic.bin'))).toBe(hashes['classic.bin'])

        // Having dialled a classic peer and served a browser, the node has met every class its workarounds touch.
        const status = (await (await fetch(`http://127.0.0.1:${statusPort}/status`)).json()) as { engine: EngineReport }
        expect(status.engine.mismatches).toEqual([])
        expect(status.engine.applied.toSorted()).toEqual(workaroundsFor('node').toSorted())
      })

      test(`a browser shares, the hybrid node bridges, ${client.name} downloads`, async ({ workDir }) => {
        const alice = await person()
        const hashes = await writeTree(workDir, { 'browser.bin': randomFile(6 * MiB) })
        const link = await alice.share([join(workDir, 'browser.bin')], { as: 'public' })

        const hybrid = bridge(link, join(workDir, 'bridge'))
        const bridging = await hybrid.waitFor((event) => event.event === 'bridging')
        const infoHash = String(bridging.infoHash)
        await hybrid.waitFor((event) => event.event === 'done', 120_000)
        // Alone with the browser, the node counts no classic peer: it never dials its own address.
        const classicPeers = () => {
          const peers = hybrid.latestStatus(infoHash)?.peers
          return peers ? (peers.tcp ?? 0) + (peers.utp ?? 0) : -1
        }
        await expect.poll(classicPeers).toBe(0)

        const downloads = join(workDir, 'classic-downloads')
        await mkdir(downloads, { recursive: true })
        const tracker = trackerFor(client.announceOver)
        await client.start(
          namespace,
          workDir,
          `magnet:?xt=urn:btih:${infoHash}&tr=${encodeURIComponent(tracker)}`,
          downloads,
        )
        await expect
          .poll(async () => sha256(await readFile(join(downloads, 'browser.bin')).catch(() => new Uint8Array())), {
            timeout: 90_000,
            intervals: [500],
          })
          .toBe(hashes['browser.bin'])
      })
    })
  }
})
