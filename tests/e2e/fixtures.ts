import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, firefox, test as base, expect, type Browser } from '@playwright/test'
import { localServerConfig, SwarmdropServer, type TurnConfig } from '@swarmdrop/tracker'
import { chromiumLaunchOptions, firefoxLaunchOptions } from './browsers.js'
import { startTestCoturn } from './turn.js'
import { SwarmdropPage } from './swarmdrop-page.js'

export const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

type RunningServer = { url: string; instance: SwarmdropServer }
type WorkerFixtures = {
  server: RunningServer
  /** A second tracker whose ICE config offers a real coturn (relay tests). */
  turnServer: RunningServer & { turn: TurnConfig; coturnPort: number }
  /** The other browser than the project's (Firefox beside Chromium and back), for cross-browser pairs. */
  otherBrowser: Browser
}
type TestFixtures = {
  /** The person who shares. */
  alice: SwarmdropPage
  /** The person who opens the link, in a separate browser context (no shared storage). */
  bob: SwarmdropPage
  /** A second person who opens the link, in a context of her own. */
  carol: SwarmdropPage
  /** A fresh folder for this test's input files. */
  workDir: string
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    async ({}, use) => {
      const instance = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT }))
      const { port } = await instance.listen()
      await use({ url: `http://127.0.0.1:${port}`, instance })
      await instance.close()
    },
    { scope: 'worker' },
  ],
  turnServer: [
    async ({}, use, workerInfo) => {
      const { coturn, turn, port } = await startTestCoturn(workerInfo.parallelIndex)
      const instance = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT, turn }))
      const address = await instance.listen()
      await use({ url: `http://127.0.0.1:${address.port}`, instance, turn, coturnPort: port })
      await instance.close()
      await coturn.stop()
    },
    { scope: 'worker' },
  ],
  otherBrowser: [
    async ({ browserName }, use) => {
      const other =
        browserName === 'firefox'
          ? await chromium.launch(chromiumLaunchOptions)
          : await firefox.launch({ ...firefoxLaunchOptions, channel: 'moz-firefox' })
      await use(other)
      await other.close()
    },
    { scope: 'worker' },
  ],
  alice: async ({ browser, server }, use) => usePerson(browser, server.url, use),
  bob: async ({ browser, server }, use) => usePerson(browser, server.url, use),
  carol: async ({ browser, server }, use) => usePerson(browser, server.url, use),
  workDir: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'swarmdrop-e2e-'))
    await use(dir)
    await rm(dir, { recursive: true, force: true })
  },
})

export { expect }

/** One person: a fresh browser context on the app; the app must have run without breaking its CSP. */
async function usePerson(browser: Browser, url: string, use: (person: SwarmdropPage) => Promise<void>): Promise<void> {
  const context = await browser.newContext()
  const person = new SwarmdropPage(await context.newPage(), url)
  await use(person)
  await context.close()
  expect(person.cspViolations).toEqual([])
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** Writes `files` (relative path -> bytes) below `root` and returns their hashes by path. */
export async function writeTree(root: string, files: Record<string, Uint8Array>): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {}
  for (const [path, bytes] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), bytes)
    hashes[path] = sha256(bytes)
  }
  return hashes
}

export const randomFile = (bytes: number): Uint8Array => new Uint8Array(randomBytes(bytes))
