import { join } from 'node:path'
import type { BrowserContext } from '@playwright/test'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'
import { TrackerProcess } from './tracker-process.js'
import { freePort } from '../support/wait.js'

const MiB = 1024 * 1024

test('the tracker crashes mid-transfer: the transfer completes, and after a restart a new receiver finds the sender within 5 s', async ({
  browser,
  workDir,
}) => {
  const port = await freePort()
  let tracker = await TrackerProcess.start(port)
  const contexts: BrowserContext[] = []
  try {
    const person = async () => {
      const context = await browser.newContext()
      contexts.push(context)
      return new SwarmdropPage(await context.newPage(), tracker.url)
    }
    const [alice, bob, carol] = [await person(), await person(), await person()]
    const hashes = await writeTree(workDir, { 'steady.bin': randomFile(10 * MiB) })
    await alice.openHome()
    await alice.setUploadLimit('1 MB/s')
    const link = await alice.share([join(workDir, 'steady.bin')])

    await bob.open(link)
    await expect.poll(() => bob.progressPercent(), { timeout: 30_000 }).toBeGreaterThanOrEqual(10)
    await tracker.stop('SIGKILL')
    // Peers already connected keep trading without the tracker.
    const before = await bob.progressPercent()
    await expect.poll(() => bob.progressPercent(), { timeout: 15_000 }).toBeGreaterThan(before + 10)

    tracker = await TrackerProcess.start(port)
    const backAtMs = Date.now()
    await carol.open(link)
    await expect(carol.page.getByTestId('peer').first()).toBeVisible({ timeout: 5_000 })
    const foundAfterMs = Date.now() - backAtMs
    test.info().annotations.push({ type: 'sender found after tracker restart', description: `${foundAfterMs} ms` })
    expect(foundAfterMs).toBeLessThan(5_000)

    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('steady.bin'))).toBe(hashes['steady.bin'])
    await carol.waitUntilDone()
    expect(sha256(await carol.saveFile('steady.bin'))).toBe(hashes['steady.bin'])
    for (const someone of [alice, bob, carol]) expect(someone.cspViolations).toEqual([])
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
    await tracker.stop('SIGTERM')
  }
})
