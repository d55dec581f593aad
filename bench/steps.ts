import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import type { Browser, BrowserContext, Page } from '@playwright/test'
import { FIRST_PEER_MARK } from '@swarmdrop/common'
import { MiB } from './types.js'

const SLOW_STEP_MS = 600_000

/** Writes `bytes` of random data to `path`, 64 MiB at a time. */
export async function writeRandomFile(path: string, bytes: number): Promise<void> {
  const file = await open(path, 'w')
  for (let written = 0; written < bytes; written += 64 * MiB)
    await file.write(randomBytes(Math.min(64 * MiB, bytes - written)))
  await file.close()
}

/** A private link (encrypted) or a public torrent. */
export type ShareKind = 'private' | 'public'

/**
 * Shares a file from a page showing the app; resolves once it is seeding, with its link and how long
 * that took. Public unless asked: the figures of earlier runs that each benchmark is compared with
 * were public torrents; `private` measures private links beside them.
 */
export async function shareFile(
  page: Page,
  path: string,
  kind: ShareKind = 'public',
): Promise<{ link: string; shareMs: number }> {
  await page.getByRole('radio', { name: kind === 'private' ? /^Private link/ : /^Public torrent/ }).check()
  const dropAt = Date.now()
  await page.getByTestId('file-input').setInputFiles(path)
  await page.locator('[data-status="seeding"]').waitFor({ timeout: SLOW_STEP_MS })
  const shareMs = Date.now() - dropAt
  return { link: await page.getByTestId('share-link').inputValue(), shareMs }
}

/**
 * Pages being measured are checked every 100 ms, as the raw anchors are. A locator's wait checks
 * on every animation frame, and that cost a receiving tab ~5 % of its speed (26.7 against 28.2 MiB/s,
 * six alternated 256 MiB transfers each).
 */
export const POLL_MS = 100

/** Opens a share link and resolves with the milliseconds until everything has arrived. */
export async function downloadMs(page: Page, link: string): Promise<number> {
  const openAt = Date.now()
  await page.goto(link)
  await page.waitForFunction(() => document.querySelector('[data-status="done"]') !== null, null, {
    polling: POLL_MS,
    timeout: SLOW_STEP_MS,
  })
  return Date.now() - openAt
}

/** Milliseconds between two User Timing marks of the page (the first of each name). */
export function markSpanMs(page: Page, from: string, to: string): Promise<number> {
  return page.evaluate(
    ({ from, to }) => performance.getEntriesByName(to)[0]!.startTime - performance.getEntriesByName(from)[0]!.startTime,
    { from, to },
  )
}

/** A new person (a browser context) with one page; the context is closed once `use` settles. */
export async function inNewContext<T>(browser: Browser, use: (page: Page) => Promise<T>): Promise<T> {
  const context = await browser.newContext()
  try {
    return await use(await context.newPage())
  } finally {
    await context.close()
  }
}

/** Opens a link as a new person and resolves with the milliseconds until everything has arrived. */
export const downloadInNewContext = (browser: Browser, link: string): Promise<number> =>
  inNewContext(browser, (page) => downloadMs(page, link))

/**
 * Opens a link as `people` new people at once; resolves with the milliseconds until all have
 * everything and the CPU seconds Chromium spent meanwhile. The contexts close after that count, so
 * their renderers' time is in it.
 */
export async function downloadTogether(
  browser: Browser,
  link: string,
  people: number,
): Promise<{ ms: number; cpuSeconds: number }> {
  const contexts = await Promise.all(Array.from({ length: people }, () => browser.newContext()))
  try {
    const pages = await Promise.all(contexts.map((context) => context.newPage()))
    return await withCpuSeconds(browser, async () => {
      const startedAt = Date.now()
      await Promise.all(pages.map((page) => downloadMs(page, link)))
      return Date.now() - startedAt
    })
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
  }
}

/**
 * Runs `measure` (which resolves with milliseconds) and adds the CPU seconds all of Chromium's live
 * processes (browser, renderers, GPU, network service) spent meanwhile.
 */
export async function withCpuSeconds(
  browser: Browser,
  measure: () => Promise<number>,
): Promise<{ ms: number; cpuSeconds: number }> {
  const before = await chromiumCpuSeconds(browser)
  const ms = await measure()
  return { ms, cpuSeconds: (await chromiumCpuSeconds(browser)) - before }
}

/** CPU seconds used so far by the browser's live processes (browser, renderers, GPU, network service). */
async function chromiumCpuSeconds(browser: Browser): Promise<number> {
  const session = await browser.newBrowserCDPSession()
  try {
    const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as {
      processInfo: Array<{ cpuTime: number }>
    }
    return processInfo.reduce((sum, process) => sum + process.cpuTime, 0)
  } finally {
    await session.detach()
  }
}

/** A new person who shares the file from the app; the caller closes `context` when done. */
export async function newSender(
  browser: Browser,
  origin: string,
  path: string,
  kind: ShareKind = 'public',
): Promise<{ context: BrowserContext; page: Page; link: string }> {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(origin + '/')
  return { context, page, link: (await shareFile(page, path, kind)).link }
}

/**
 * Milliseconds from navigating to a share link until the app's first peer connected. The page
 * reports its mark itself, as the raw anchor's page reports its open channel: polling it every few
 * ms while it starts took ~40 ms of the figure.
 */
export async function firstPeerMs(page: Page, link: string): Promise<number> {
  await page.goto(link, { waitUntil: 'commit' })
  return page.evaluate(
    (name) =>
      new Promise<number>((resolve, reject) => {
        new PerformanceObserver((_entries, observer) => {
          const [mark] = performance.getEntriesByName(name)
          if (!mark) return
          observer.disconnect()
          resolve(mark.startTime)
        }).observe({ type: 'mark', buffered: true })
        setTimeout(() => reject(new Error('no peer connected within 60 s')), 60_000)
      }),
    FIRST_PEER_MARK,
  )
}

declare global {
  interface Window {
    longTasks?: Array<{ startTime: number; duration: number }>
  }
}

/** Records the long tasks (50 ms and more) of every page of the context from its first script on. */
export async function watchLongTasks(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const tasks: Array<{ startTime: number; duration: number }> = (window.longTasks = [])
    new PerformanceObserver((list) => {
      for (const { startTime, duration } of list.getEntries()) tasks.push({ startTime, duration })
    }).observe({ type: 'longtask', buffered: true })
  })
}

/** The longest main-thread task of the page so far, or 0 with none of 50 ms or more. */
export function longestTaskMs(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, ...(window.longTasks ?? []).map((task) => task.duration)))
}

/**
 * tsx names the benchmark's functions with a `__name` helper; functions evaluated in a page need it
 * there too. A script for pages (an init script, or a blank page's).
 */
export const NAME_HELPER = 'globalThis.__name = (f) => f'

/**
 * Shows a blank page on the app's origin (the same origin, no app code and no CSP), for the raw
 * anchors: WebCrypto and RTCPeerConnection without the app around them.
 */
export async function openBlankPage(page: Page, origin: string): Promise<Page> {
  const body = `<!doctype html><title>bench</title><script>${NAME_HELPER}</script><input type="file" id="file">`
  await page.route(`${origin}/__bench`, (route) => route.fulfill({ contentType: 'text/html', body }))
  await page.goto(`${origin}/__bench`)
  return page
}
