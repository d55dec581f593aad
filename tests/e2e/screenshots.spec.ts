import { createHash } from 'node:crypto'
import { copyFile, mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, writeTree } from './fixtures.js'
import { testVideo } from './media.js'
import { SwarmdropPage } from './swarmdrop-page.js'

/** The README's screenshots: every main view, light and dark, desktop and phone, made by the suite so they stay current. */
const OUT_DIR = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
const VIEWPORTS = [
  { name: 'desktop', width: 1100, height: 900 },
  { name: 'phone', width: 375, height: 812 },
] as const

for (const colorScheme of ['light', 'dark'] as const) {
  for (const viewport of VIEWPORTS) {
    test(`screenshots: ${viewport.name}, ${colorScheme}`, async ({ browser, server, workDir }) => {
      const options = { viewport: { width: viewport.width, height: viewport.height }, colorScheme }
      const alice = new SwarmdropPage(await (await browser.newContext(options)).newPage(), server.url)
      const bob = new SwarmdropPage(await (await browser.newContext(options)).newPage(), server.url)
      const folder = join(workDir, 'Holiday 2026')
      await writeTree(folder, {
        'notes.txt': new TextEncoder().encode('See you in June!'),
        'photos/beach 1.jpg': new Uint8Array(300_000),
      })
      await copyFile(await testVideo(20, '1M'), join(folder, 'concert.webm'))
      await mkdir(OUT_DIR, { recursive: true })
      const save = (person: SwarmdropPage, view: string) =>
        person.page.screenshot({ path: join(OUT_DIR, `${view}-${viewport.name}-${colorScheme}.png`), fullPage: true })

      await alice.openHome()
      await save(alice, 'home')
      const link = await alice.share({ folder })
      await bob.open(link)
      await bob.waitUntilDone()
      for (const person of [alice, bob]) await showFrame(person)
      await save(alice, 'share')
      await save(bob, 'receive')
      await bob.openSettings()
      await save(bob, 'settings')
      // A swarm nobody else in this worker joins, so no other receiver answers.
      const nobody = createHash('sha1').update(`offline-${viewport.name}-${colorScheme}`).digest('hex')
      await bob.page.goto(`${server.url}/#h=${nobody}&dn=concert.webm`)
      await bob.page.locator('[data-status="sender-offline"]').waitFor()
      await save(bob, 'offline')
      await alice.page.context().close()
      await bob.page.context().close()
    })
  }
}

/** A frame rather than a black player (best effort: a screenshot without it is still a screenshot). */
async function showFrame({ page }: SwarmdropPage): Promise<void> {
  await page.locator('video').evaluate((video: HTMLVideoElement) => (video.currentTime = 3))
  await page
    .waitForFunction(
      () => {
        const video = document.querySelector('video')
        return Boolean(video && video.readyState >= 2 && !video.seeking)
      },
      null,
      { timeout: 10_000 },
    )
    .catch(() => {})
}
