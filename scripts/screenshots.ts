/*
 * npm run screenshots: renders the main views (home, share, receive, sender offline) in light and
 * dark themes, desktop and phone widths, into docs/screenshots/ for the README.
 */
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from '@playwright/test'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { chromiumLaunchOptions } from '../tests/e2e/chromium.js'
import { testVideo } from '../tests/e2e/media.js'

const OUT_DIR = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url))
const VIEWPORTS = [
  { name: 'desktop', width: 1100, height: 900 },
  { name: 'phone', width: 375, height: 812 },
] as const
const SCHEMES = ['light', 'dark'] as const

async function shoot(browser: Browser, origin: string, folder: string, scheme: (typeof SCHEMES)[number], viewport: (typeof VIEWPORTS)[number]) {
  const options = { viewport: { width: viewport.width, height: viewport.height }, colorScheme: scheme }
  const [sender, receiver] = [await browser.newContext(options), await browser.newContext(options)]
  const [alice, bob] = [await sender.newPage(), await receiver.newPage()]
  const save = (page: typeof alice, view: string) => page.screenshot({ path: join(OUT_DIR, `${view}-${viewport.name}-${scheme}.png`), fullPage: true })

  await alice.goto(origin + '/')
  await save(alice, 'home')
  await alice.getByTestId('folder-input').setInputFiles(folder)
  await alice.locator('[data-status="seeding"]').waitFor()
  const link = await alice.getByTestId('share-link').inputValue()
  await bob.goto(link)
  await bob.locator('[data-status="done"]').waitFor()
  // Show a frame rather than a black player.
  await bob.locator('video').evaluate((video: HTMLVideoElement) => new Promise((resolve) => {
    video.addEventListener('seeked', resolve, { once: true })
    video.currentTime = 3
  }))
  await save(alice, 'share')
  await save(bob, 'receive')
  await bob.goto(`${origin}/#h=${'c0ffee'.padEnd(40, '0')}&dn=concert.webm`)
  await bob.locator('[data-status="sender-offline"]').waitFor()
  await save(bob, 'offline')
  await sender.close()
  await receiver.close()
}

const workDir = await mkdtemp(join(tmpdir(), 'swarmdrop-shots-'))
const folder = join(workDir, 'Holiday 2026')
await mkdir(join(folder, 'photos'), { recursive: true })
await copyFile(await testVideo(20, '1M'), join(folder, 'concert.webm'))
await writeFile(join(folder, 'notes.txt'), 'See you in June!')
await writeFile(join(folder, 'photos', 'beach 1.jpg'), new Uint8Array(300_000))
await mkdir(OUT_DIR, { recursive: true })

const server = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT }))
const { port } = await server.listen()
const browser = await chromium.launch(chromiumLaunchOptions)
try {
  for (const scheme of SCHEMES) for (const viewport of VIEWPORTS) await shoot(browser, `http://127.0.0.1:${port}`, folder, scheme, viewport)
} finally {
  await browser.close()
  await server.close()
  await rm(workDir, { recursive: true, force: true })
}
console.log(`screenshots written to ${OUT_DIR}`)
