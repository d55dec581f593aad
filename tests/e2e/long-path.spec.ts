import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WanNetwork } from '../support/wan/network.js'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'

const MiB = 1024 * 1024

/**
 * Two people on a long, lossy path: sender, receiver and server each in a network namespace of its
 * own, joined by the emulated link of the WAN benchmark (100 ms round trip, 0.5 % loss, 50 Mbit/s).
 * There one WebRTC connection carries ~0.25 MiB/s whatever the link; the receiver opens more to the
 * sender while they add throughput (engine/src/parallel/). Chromium only: Playwright drives Firefox
 * over a TCP port, which the namespace would hide.
 */
test.describe('a long, lossy path (emulated)', () => {
  test.skip(process.getuid?.() !== 0, 'needs root (network namespaces)')
  test.skip(({ browserName }) => browserName !== 'chromium', 'Firefox is driven over a TCP port a namespace hides')
  test.setTimeout(150_000)

  test('the receiver opens several connections to the sender, and the file arrives whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'swarmdrop-long-path-'))
    const net = await WanNetwork.create(
      { name: '100 ms, 0.5 % loss', rttMs: 100, loss: 0.005, rateMbit: 50 },
      `sdlp${process.pid % 10_000}`,
    )
    try {
      await net.startApp()
      const person = async (host: typeof net.sender) =>
        new SwarmdropPage(await (await (await net.launchChromium(host, dir)).newContext()).newPage(), net.origin)
      const [alice, bob] = await Promise.all([person(net.sender), person(net.receiver)])
      const hashes = await writeTree(dir, { 'far-away.bin': randomFile(12 * MiB) })
      const link = await alice.share([join(dir, 'far-away.bin')])

      await bob.open(link)
      const peer = bob.page.getByTestId('peer')
      await expect(peer).toHaveAttribute('data-connections', /^([4-9]|[1-9]\d)$/, { timeout: 60_000 })
      await expect(peer).toContainText(/\d+ connections/)
      // Several connections, one peer.
      await expect(bob.page.getByTestId('stat-peers')).toHaveText('1')
      await bob.waitUntilDone(120_000)
      expect(sha256(await bob.saveFile('far-away.bin'))).toBe(hashes['far-away.bin'])
    } finally {
      await net.destroy()
      await rm(dir, { recursive: true, force: true })
    }
  })
})
