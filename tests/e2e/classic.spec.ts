import { execFile } from 'node:child_process'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium, type Browser } from '@playwright/test'
import { findExecutable, localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { chromiumLaunchOptions } from './browsers.js'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'
import { HybridProcess } from './hybrid.js'
import { TestNamespace } from './netns.js'

const MiB = 1024 * 1024
const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))
const TRANSMISSION_PORT = '51413'
const run = promisify(execFile)

/**
 * Transmission does not trade with peers on 127.0.0.1, so it runs as a second host: a network
 * namespace joined to this machine by a veth pair (10.201.N.2 there, 10.201.N.1 here). The tracker,
 * the hybrid node and Chromium stay here; the browser only ever speaks WebRTC, to the hybrid node.
 */
test.describe('classic BitTorrent clients, through the hybrid node', () => {
  test.skip(
    process.getuid?.() !== 0 || !findExecutable('transmission-cli'),
    'needs root (network namespaces) and transmission-cli',
  )
  test.setTimeout(180_000)

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

  const bridge = (source: string, out: string) => {
    const hybrid = HybridProcess.start(['bridge', source, '-o', out, '--app', origin, '--no-dht', '--no-utp'])
    hybrids.push(hybrid)
    return hybrid
  }

  // A seeder is ready once it has checked its data and says "Seeding": peers that connect while it
  // verifies get have-none, and it does not tell them about the pieces afterwards.
  // TCP only (the hybrid node runs with --no-utp here), and no DHT or local discovery: the tracker
  // introduces the peers.
  const transmission = async (workDir: string, args: string[], ready: RegExp) => {
    const config = join(workDir, 'transmission-config')
    await mkdir(config, { recursive: true })
    await writeFile(
      join(config, 'settings.json'),
      JSON.stringify({ 'utp-enabled': false, 'dht-enabled': false, 'lpd-enabled': false, 'pex-enabled': false }),
    )
    return namespace.start('transmission-cli', ['-g', config, '-p', TRANSMISSION_PORT, '-et', '-M', ...args], {}, ready)
  }

  test('classic to browser: Transmission seeds, the hybrid node bridges, a browser downloads', async ({ workDir }) => {
    const bob = await person()
    const hashes = await writeTree(join(workDir, 'seed'), { 'classic.bin': randomFile(6 * MiB) })
    const torrentPath = join(workDir, 'classic.torrent')
    await run('transmission-create', [
      '-o',
      torrentPath,
      '-t',
      `${origin}/announce`,
      join(workDir, 'seed', 'classic.bin'),
    ])
    await transmission(workDir, ['-w', join(workDir, 'seed'), torrentPath], /Seeding/)

    const hybrid = bridge(torrentPath, join(workDir, 'bridge'))
    const bridging = await hybrid.waitFor((event) => event.event === 'bridging')
    await hybrid.waitFor((event) => event.event === 'done', 90_000)

    await bob.page.goto(`${origin}/#h=${String(bridging.infoHash)}`)
    await bob.waitUntilDone(120_000)
    expect(sha256(await bob.saveFile('classic.bin'))).toBe(hashes['classic.bin'])
  })

  test('browser to classic: a browser shares, the hybrid node bridges, Transmission downloads', async ({ workDir }) => {
    const alice = await person()
    const hashes = await writeTree(workDir, { 'browser.bin': randomFile(6 * MiB) })
    const link = await alice.share([join(workDir, 'browser.bin')], { as: 'public' })

    const hybrid = bridge(link, join(workDir, 'bridge'))
    const bridging = await hybrid.waitFor((event) => event.event === 'bridging')
    await hybrid.waitFor((event) => event.event === 'done', 120_000)

    const downloads = join(workDir, 'transmission-downloads')
    await mkdir(downloads, { recursive: true })
    await transmission(
      workDir,
      [
        '-w',
        downloads,
        `magnet:?xt=urn:btih:${String(bridging.infoHash)}&tr=${encodeURIComponent(`${origin}/announce`)}`,
      ],
      /Progress|Seeding/,
    )
    await expect
      .poll(async () => sha256(await readFile(join(downloads, 'browser.bin')).catch(() => new Uint8Array())), {
        timeout: 120_000,
        intervals: [1_000],
      })
      .toBe(hashes['browser.bin'])
  })
})
