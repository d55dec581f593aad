import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import type { Browser } from '@playwright/test'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { currentTime, media, playMuted, testVideo } from './media.js'
import { SwarmdropPage } from './swarmdrop-page.js'

/*
 * Two people in two different browsers: Chromium and Firefox, each way round. Runs in the Chromium
 * project only (its `otherBrowser` is Firefox), so each pair runs once.
 */

const MiB = 1024 * 1024
type Pair = { sender: SwarmdropPage; receiver: SwarmdropPage }

/** A sender in one browser and a receiver in the other, each in a fresh context, closed afterwards. */
async function withPair(browsers: [Browser, Browser], url: string, run: (pair: Pair) => Promise<void>): Promise<void> {
  const contexts = await Promise.all(browsers.map((browser) => browser.newContext()))
  const [sender, receiver] = await Promise.all(
    contexts.map(async (context) => new SwarmdropPage(await context.newPage(), url)),
  )
  try {
    await run({ sender: sender!, receiver: receiver! })
    for (const person of [sender!, receiver!]) expect(person.cspViolations).toEqual([])
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
  }
}

for (const direction of ['Chromium → Firefox', 'Firefox → Chromium'] as const) {
  test.describe(direction, () => {
    const browsersOf = (browser: Browser, otherBrowser: Browser): [Browser, Browser] =>
      direction === 'Chromium → Firefox' ? [browser, otherBrowser] : [otherBrowser, browser]

    test('a private folder arrives byte-identical, file by file and as a zip', async ({
      browser,
      otherBrowser,
      server,
      workDir,
    }) => {
      const hashes = await writeTree(workDir, {
        'Album/cover.bin': randomFile(MiB + 3),
        'Album/songs/one.bin': randomFile(3 * MiB),
        'Album/notes.txt': new TextEncoder().encode('liner notes'),
      })
      await withPair(browsersOf(browser, otherBrowser), server.url, async ({ sender, receiver }) => {
        const link = await sender.share({ folder: join(workDir, 'Album') })
        await receiver.open(link)
        await receiver.waitUntilDone()
        expect(sha256(await receiver.saveFile('one.bin'))).toBe(hashes['Album/songs/one.bin'])
        const zip = unzipSync(await receiver.saveAllAsZip())
        expect(Object.keys(zip).sort()).toEqual(['Album/cover.bin', 'Album/notes.txt', 'Album/songs/one.bin'])
        expect(sha256(zip['Album/cover.bin']!)).toBe(hashes['Album/cover.bin'])
      })
    })

    test('a video plays while it downloads, and a seek to 80 % plays again', async ({
      browser,
      otherBrowser,
      server,
      workDir,
    }) => {
      const video = join(workDir, 'talk.webm')
      await copyFile(await testVideo(60, '4M'), video)
      await withPair(browsersOf(browser, otherBrowser), server.url, async ({ sender, receiver }) => {
        await sender.openHome()
        await sender.setUploadLimit('1 MB/s')
        const link = await sender.share([video])
        await receiver.open(link)
        await expect(media(receiver.page, 'video')).toBeVisible()
        await playMuted(receiver.page, 'video')
        await expect.poll(() => currentTime(receiver.page, 'video'), { timeout: 20_000 }).toBeGreaterThan(2)
        const target = await media(receiver.page, 'video').evaluate(
          (element: HTMLVideoElement) => (element.currentTime = element.duration * 0.8),
        )
        await expect.poll(() => currentTime(receiver.page, 'video'), { timeout: 20_000 }).toBeGreaterThan(target + 1)
        expect(await receiver.progressPercent()).toBeLessThan(90)
      })
    })

    test('a receiver that reloads halfway continues from what it has', async ({
      browser,
      otherBrowser,
      server,
      workDir,
    }) => {
      const size = 8 * MiB
      const hashes = await writeTree(workDir, { 'halfway.bin': randomFile(size) })
      await withPair(browsersOf(browser, otherBrowser), server.url, async ({ sender, receiver }) => {
        await sender.openHome()
        await sender.setUploadLimit('1 MB/s')
        const link = await sender.share([join(workDir, 'halfway.bin')])
        await receiver.open(link)
        await expect.poll(() => receiver.progressPercent(), { timeout: 30_000 }).toBeGreaterThanOrEqual(40)
        await receiver.page.reload()
        await receiver.waitUntilDone()
        expect(sha256(await receiver.saveFile('halfway.bin'))).toBe(hashes['halfway.bin'])
        expect(await sender.settledUploaded()).toBeLessThan(1.3 * size)
      })
    })

    test('relay only on both sides: the file arrives through the relay', async ({
      browser,
      otherBrowser,
      turnServer,
      workDir,
    }) => {
      const hashes = await writeTree(workDir, { 'relayed.bin': randomFile(2 * MiB) })
      await withPair(browsersOf(browser, otherBrowser), turnServer.url, async ({ sender, receiver }) => {
        for (const person of [sender, receiver]) {
          await person.openHome()
          await person.setRelayMode('Relay only')
          await expect(person.relayStatus()).toHaveAttribute('data-status', 'working')
        }
        const link = await sender.share([join(workDir, 'relayed.bin')])
        await receiver.open(link)
        await receiver.waitUntilDone()
        expect(sha256(await receiver.saveFile('relayed.bin'))).toBe(hashes['relayed.bin'])
        for (const person of [sender, receiver])
          await expect(person.page.getByTestId('peer').first()).toHaveAttribute('data-path', 'relayed')
      })
    })
  })
}
