import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { chromiumLaunchOptions } from './browsers.js'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { TestNamespace } from './netns.js'
import { SwarmdropPage } from './swarmdrop-page.js'

const CLI = fileURLToPath(new URL('../../tracker/dist/cli.js', import.meta.url))
const TRACKER_PORT = '8080'
const TURN_PORT = '3478'
/**
 * Below the kernel's ephemeral range (32768-60999): a browser's own UDP port that happened to fall in
 * the relay range passed the relay rule below, and a direct path got through (the test failed once so,
 * "srflx → relay" with the relay off).
 */
const RELAY_PORTS = '20160:20259'

/**
 * A strict firewall for everything inside the namespace: the tracker and coturn's listening port are
 * reachable, coturn's relay ports reach each other, and every other UDP or TCP packet (every direct
 * path between two browsers, including a browser straight to a relay port) is dropped.
 */
const FIREWALL = [
  ['-A', 'INPUT', '-p', 'tcp', '--dport', TRACKER_PORT, '-j', 'ACCEPT'],
  ['-A', 'INPUT', '-p', 'tcp', '--sport', TRACKER_PORT, '-j', 'ACCEPT'],
  ...['udp', 'tcp'].flatMap((protocol) => [
    ['-A', 'INPUT', '-p', protocol, '--dport', TURN_PORT, '-j', 'ACCEPT'],
    ['-A', 'INPUT', '-p', protocol, '--sport', TURN_PORT, '-j', 'ACCEPT'],
  ]),
  ['-A', 'INPUT', '-p', 'udp', '--sport', RELAY_PORTS, '--dport', RELAY_PORTS, '-j', 'ACCEPT'],
  ['-A', 'INPUT', '-p', 'udp', '-j', 'DROP'],
  ['-A', 'INPUT', '-p', 'tcp', '-j', 'DROP'],
]

test('behind a firewall that blocks direct connections: nothing arrives with the relay off, the app suggests it, and the relay delivers', async ({
  workDir,
}, testInfo) => {
  test.skip(process.getuid?.() !== 0, 'network namespaces need root')
  test.setTimeout(150_000)
  const namespace = await TestNamespace.create(`swarmdrop-fw-${process.pid}-${testInfo.parallelIndex}`, {
    link: 'internal',
    iptablesRules: FIREWALL,
  })
  try {
    // The real `npm start` shell, with its embedded coturn, inside the namespace.
    await namespace.start(
      process.execPath,
      [CLI],
      {
        PORT: TRACKER_PORT,
        HOST: '127.0.0.1',
        TURN_PORT,
        TURN_RELAY_PORTS: RELAY_PORTS.replace(':', '-'),
        TURN_ALLOW_LOOPBACK_PEERS: 'true',
      },
      /Swarmdrop is running/,
    )
    const browser = await chromium.launch({
      ...chromiumLaunchOptions,
      executablePath: await namespace.chromiumLauncher(workDir),
    })
    const origin = `http://127.0.0.1:${TRACKER_PORT}`
    const alice = new SwarmdropPage(await (await browser.newContext()).newPage(), origin)
    const bob = new SwarmdropPage(await (await browser.newContext()).newPage(), origin)
    const hashes = await writeTree(workDir, { 'report.bin': randomFile(2 * 1024 * 1024) })

    // The sender keeps the default (fallback); the receiver starts with the relay off.
    const link = await alice.share([join(workDir, 'report.bin')])
    await bob.openHome()
    await bob.setRelayMode('Off')
    await bob.open(link)

    const hint = bob.page.getByTestId('connection-hint')
    await expect(hint).toContainText('direct connection does not work', { timeout: 40_000 })
    await expect(bob.status()).not.toHaveAttribute('data-status', 'done')
    expect(await bob.page.getByTestId('peer').count()).toBe(0)

    await hint.getByRole('button', { name: 'Connect through the relay' }).click()
    await bob.waitUntilDone(60_000)
    expect(sha256(await bob.saveFile('report.bin'))).toBe(hashes['report.bin'])
    await expect(bob.page.getByTestId('peer').first()).toHaveAttribute('data-path', 'relayed')
    await browser.close()
  } finally {
    await namespace.destroy()
  }
})
