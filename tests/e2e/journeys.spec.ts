import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { readDownload, SwarmdropPage } from './swarmdrop-page.js'

/** Presses Tab until the focused element's accessible text matches, as a keyboard user would. */
async function tabTo(page: Page, name: RegExp): Promise<void> {
  // The keyboard goes to the window in front (Firefox has one focused window for all its contexts).
  await page.bringToFront()
  for (let presses = 0; presses < 30; presses++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => {
      const element = document.activeElement as HTMLElement | null
      return (
        element?.getAttribute('aria-label') ||
        element?.innerText ||
        (element as HTMLInputElement | null)?.placeholder ||
        ''
      )
    })
    if (name.test(focused)) return
  }
  throw new Error(`Tab never reached ${name}`)
}

test('keyboard only: share a file and open the receive view without a mouse', async ({ alice, bob, workDir }) => {
  const hashes = await writeTree(workDir, { 'keys.txt': randomFile(10_000) })
  await alice.openHome()
  await tabTo(alice.page, /^Choose files$/)
  if (alice.browserName() === 'firefox') {
    // Firefox's automation does not report file choosers: the focused button's input takes the file.
    await alice.page.getByTestId('file-input').setInputFiles(join(workDir, 'keys.txt'))
  } else {
    const [chooser] = await Promise.all([alice.page.waitForEvent('filechooser'), alice.page.keyboard.press('Enter')])
    await chooser.setFiles(join(workDir, 'keys.txt'))
  }
  const link = await alice.page.getByTestId('share-link').inputValue()
  await alice.allowClipboard()
  await tabTo(alice.page, /^Copy link$/)
  await alice.page.keyboard.press('Enter')
  await expect(alice.page.getByRole('button', { name: 'Copied!' })).toBeVisible()

  await bob.openHome()
  await tabTo(bob.page, /Share link, magnet link or info hash/)
  await bob.page.keyboard.type(link)
  await bob.page.keyboard.press('Enter')
  await bob.waitUntilDone()
  await tabTo(bob.page, /^Save keys\.txt$/)
  const [download] = await Promise.all([bob.page.waitForEvent('download'), bob.page.keyboard.press('Enter')])
  expect(sha256(await readDownload(download))).toBe(hashes['keys.txt'])
})

test('on a 375 px phone: share and receive work and nothing overflows sideways', async ({
  browser,
  server,
  workDir,
}) => {
  const phone = { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
  const alice = new SwarmdropPage(await (await browser.newContext(phone)).newPage(), server.url)
  const bob = new SwarmdropPage(await (await browser.newContext(phone)).newPage(), server.url)
  const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  const hashes = await writeTree(workDir, {
    'a rather long file name from a phone camera 2026-11-21 18.04.33.jpg': randomFile(300_000),
  })
  const name = Object.keys(hashes)[0]!

  await alice.openHome()
  expect(await overflow(alice.page)).toBeLessThanOrEqual(0)
  const link = await alice.share([join(workDir, name)])
  expect(await overflow(alice.page)).toBeLessThanOrEqual(0)
  // The link gets a row of its own, as wide as the card, rather than a sliver beside "Copy link".
  const linkWidth = (await alice.page.getByTestId('share-link').boundingBox())!.width
  const copyWidth = (await alice.page.getByRole('button', { name: 'Copy link' }).boundingBox())!.width
  expect(linkWidth).toBeGreaterThan(250)
  expect(copyWidth).toBeGreaterThan(250)
  await alice.openSettings()
  expect(await overflow(alice.page)).toBeLessThanOrEqual(0)

  await bob.open(link)
  await bob.waitUntilDone()
  expect(await overflow(bob.page)).toBeLessThanOrEqual(0)
  expect(sha256(await bob.saveFile(name))).toBe(hashes[name])
  await alice.page.context().close()
  await bob.page.context().close()
})

test("webtorrent's chunk is fetched with the page, before the app asks for it", async ({ alice }) => {
  const scripts: string[] = []
  alice.page.on('request', (request) => {
    if (/\/assets\/.*\.js$/.test(request.url())) scripts.push(new URL(request.url()).pathname)
  })
  // The home page never imports webtorrent until a person shares or opens something: only the preload fetches it.
  await alice.openHome()
  await expect.poll(() => scripts.some((path) => /\/assets\/webtorrent\.min-[\w-]+\.js$/.test(path))).toBe(true)
})

test('the configuration and ICE servers are asked for with the page, once, before its script has run', async ({
  alice,
}) => {
  const asked: string[] = []
  alice.page.on('request', (request) => {
    const path = new URL(request.url()).pathname
    if (path.startsWith('/api/')) asked.push(path)
  })
  await alice.openHome()
  const timing = await alice.page.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    const find = (pattern: RegExp) => entries.find((entry) => pattern.test(new URL(entry.name).pathname))
    return {
      script: find(/^\/assets\/index-[\w-]+\.js$/)?.responseEnd,
      config: find(/^\/api\/config$/)?.startTime,
      rtcConfig: find(/^\/api\/rtc-config$/)?.startTime,
    }
  })
  expect(timing.config).toBeLessThan(timing.script!)
  expect(timing.rtcConfig).toBeLessThan(timing.script!)
  // The app's own fetches took the preloaded answers: nothing was asked for twice.
  await alice.page.waitForTimeout(500)
  expect(asked.sort()).toEqual(['/api/config', '/api/rtc-config'])
})

test("the app's scripts arrive compressed at build time: brotli where the browser takes it, gzip otherwise", async ({
  alice,
}) => {
  const scripts: Array<Promise<{ url: string; accepted: string; encoding: string | undefined; bytes: number }>> = []
  alice.page.on('response', (response) => {
    if (!/\/assets\/.*\.js$/.test(response.url())) return
    scripts.push(
      Promise.all([response.request().headerValue('accept-encoding'), response.body()]).then(([accepted, body]) => ({
        url: response.url(),
        accepted: accepted ?? '',
        encoding: response.headers()['content-encoding'],
        bytes: body.length,
      })),
    )
  })
  await alice.openHome()
  expect(scripts.length).toBeGreaterThan(0)
  // Below 1 KiB (the early tracker socket's script) compression does not pay, and the file goes as it is.
  for (const { url, accepted, encoding, bytes } of await Promise.all(scripts))
    expect(encoding, url).toBe(bytes < 1024 ? undefined : /\bbr\b/.test(accepted) ? 'br' : 'gzip')
})

test('on a share link the tracker socket opens while the main script is still on its way, and the app uses that one', async ({
  alice,
  bob,
  workDir,
}) => {
  const hashes = await writeTree(workDir, { 'early.bin': randomFile(256 * 1024) })
  const link = await alice.share([join(workDir, 'early.bin')])
  // Every WebSocket the page makes, and when (Firefox's automation reports none of them).
  await bob.page.addInitScript(() => {
    const Native = WebSocket
    const made: Array<{ url: string; atMs: number }> = []
    ;(window as unknown as { socketsMade: typeof made }).socketsMade = made
    function Recorded(url: string | URL, protocols?: string | string[]) {
      made.push({ url: String(url), atMs: performance.now() })
      return new Native(url, protocols)
    }
    Recorded.prototype = Native.prototype
    Object.assign(Recorded, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })
    window.WebSocket = Recorded as unknown as typeof WebSocket
  })
  // The main script is held back a second, as a long path would.
  await bob.page.route(/\/assets\/index-[\w-]+\.js$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await route.continue()
  })
  await bob.open(link)
  await bob.waitUntilDone()
  expect(sha256(await bob.saveFile('early.bin'))).toBe(hashes['early.bin'])
  const { sockets, mainScriptAtMs } = await bob.page.evaluate(() => ({
    sockets: (window as unknown as { socketsMade: Array<{ url: string; atMs: number }> }).socketsMade,
    mainScriptAtMs: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((entry) =>
      /\/assets\/index-[\w-]+\.js$/.test(entry.name),
    )!.responseEnd,
  }))
  // One socket to the tracker, made before the app's script had even arrived.
  const trackerSockets = sockets.filter(({ url }) => new URL(url).pathname === '/announce')
  expect(trackerSockets).toHaveLength(1)
  expect(trackerSockets[0]!.atMs).toBeLessThan(mainScriptAtMs - 500)
})
