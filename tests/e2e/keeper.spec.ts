import { copyFile, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { BrowserContext } from '@playwright/test'
import { seriousViolations } from './axe.js'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { currentTime, media, testVideo } from './media.js'
import { SwarmdropPage } from './swarmdrop-page.js'
import { TrackerProcess } from './tracker-process.js'
import { freePort } from '../support/wait.js'

const MiB = 1024 * 1024
const MARKER = 'SWARMDROP-KEEPER-MARKER'

/** The real `npm start` server with its keeper on, storing in `dir`; people in contexts of their own. */
async function withKeeper(
  browser: import('@playwright/test').Browser,
  dir: string,
  env: Record<string, string>,
  run: (tools: {
    person: () => Promise<SwarmdropPage>
    restart: () => Promise<void>
    tracker: () => TrackerProcess
  }) => Promise<void>,
): Promise<void> {
  const port = await freePort()
  const start = async () => {
    const started = await TrackerProcess.start(port, { env: { KEEPER: 'on', KEEPER_DIR: dir, ...env } })
    // Its keeper, a process of its own, answers a moment after the server does.
    await expect.poll(async () => (await fetch(`${started.url}/api/keeper`)).status, { timeout: 15_000 }).toBe(200)
    return started
  }
  let tracker = await start()
  const contexts: BrowserContext[] = []
  try {
    await run({
      person: async () => {
        const context = await browser.newContext()
        contexts.push(context)
        return new SwarmdropPage(await context.newPage(), tracker.url)
      },
      restart: async () => {
        await tracker.stop('SIGTERM')
        tracker = await start()
      },
      tracker: () => tracker,
    })
  } finally {
    await Promise.all(contexts.map((context) => context.close()))
    await tracker.stop('SIGTERM')
  }
}

/** Every file the keeper stored, with its bytes. */
async function stored(dir: string): Promise<Buffer[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name))),
  )
}

const keeperOf = (person: SwarmdropPage) => person.page.getByTestId('keeper')

async function keepOnServer(person: SwarmdropPage): Promise<void> {
  await person.page.getByRole('button', { name: 'Keep available after I leave' }).click()
  await expect(keeperOf(person)).toHaveAttribute('data-state', 'kept', { timeout: 60_000 })
}

test('the server keeps a private folder after its sender leaves, through a restart: a receiver on the relay only gets every byte and plays the video with a seek, and the server holds no plaintext', async ({
  browser,
  turnServer,
  workDir,
}) => {
  test.setTimeout(180_000)
  const keeperDir = join(workDir, 'keeper')
  await copyFile(await testVideo(30, '1M'), join(workDir, 'clip.webm'))
  const hashes = await writeTree(join(workDir, 'Holiday'), {
    'notes.txt': new TextEncoder().encode(`${MARKER} where we stayed\n`.repeat(2000)),
  })
  await copyFile(join(workDir, 'clip.webm'), join(workDir, 'Holiday', 'clip.webm'))
  const video = await readFile(join(workDir, 'clip.webm'))

  const relay = { TURN_URLS: turnServer.turn.urls.join(','), TURN_SECRET: turnServer.turn.secret }
  await withKeeper(browser, keeperDir, relay, async ({ person, restart, tracker }) => {
    const alice = await person()
    const link = await alice.share({ folder: join(workDir, 'Holiday') })
    await expect(keeperOf(alice)).toContainText('Up to 24 hours')
    await expect(alice.page.getByLabel('Keep available for')).toHaveValue('24')
    await keepOnServer(alice)
    await expect(alice.page.getByTestId('kept-until')).toContainText('Kept by the server until')
    // Alice leaves: nobody but the server has the share now.
    await alice.page.context().close()
    await restart()

    // Bob hides his address: the keeper is reached through the relay, as any peer would be.
    const bob = await person()
    await bob.openHome()
    await bob.setRelayMode('Relay only')
    await expect(bob.relayStatus()).toHaveAttribute('data-status', 'working')
    await bob.open(link)
    await expect(bob.page.getByTestId('torrent-name')).toHaveText('Holiday')
    await expect(media(bob.page, 'video')).toBeVisible({ timeout: 30_000 })
    await media(bob.page, 'video').evaluate((element: HTMLVideoElement) => {
      element.muted = true
      return element.play()
    })
    await expect.poll(() => currentTime(bob.page, 'video'), { timeout: 30_000 }).toBeGreaterThan(1)
    const target = await media(bob.page, 'video').evaluate(
      (element: HTMLVideoElement) => (element.currentTime = element.duration * 0.8),
    )
    await expect.poll(() => currentTime(bob.page, 'video'), { timeout: 30_000 }).toBeGreaterThan(target + 1)
    await bob.waitUntilDone()
    await expect(bob.page.getByTestId('peer').first()).toHaveAttribute('data-path', 'relayed')
    expect(sha256(await bob.saveFile('notes.txt'))).toBe(hashes['notes.txt'])
    expect(sha256(await bob.saveFile('clip.webm'))).toBe(sha256(video))

    const files = await stored(keeperDir)
    expect(files.length).toBeGreaterThan(0)
    expect(files.filter((bytes) => bytes.includes(MARKER))).toEqual([])
    expect(files.filter((bytes) => bytes.includes(video.subarray(100_000, 100_064)))).toEqual([])
    const metrics = await (await fetch(`${tracker().url}/metrics`)).text()
    expect(metrics).toContain('swarmdrop_keeper_shares{state="kept"} 1')
    expect(Number(/swarmdrop_keeper_uploaded_bytes_total (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(video.length)
  })
})

test('only the sender can withdraw a kept share: a forged request is refused, "Stop keeping" deletes it', async ({
  browser,
  workDir,
}) => {
  const keeperDir = join(workDir, 'keeper')
  await writeTree(workDir, { 'plan.bin': randomFile(4 * MiB) })
  await withKeeper(browser, keeperDir, {}, async ({ person }) => {
    const alice = await person()
    await alice.openHome()
    await alice.setUploadLimit('1 MB/s')
    const link = await alice.share([join(workDir, 'plan.bin')])
    await alice.page.getByRole('button', { name: 'Keep available after I leave' }).click()
    // While the server takes its copy, the sender sees how far it is.
    await expect(keeperOf(alice)).toHaveAttribute('data-state', 'fetching')
    await expect(keeperOf(alice)).toContainText('Keep this tab open until it has it all')
    await expect(alice.page.getByRole('progressbar', { name: 'The server’s copy' })).toBeVisible()
    await expect(keeperOf(alice)).toHaveAttribute('data-state', 'kept', { timeout: 60_000 })
    const infoHash = new URLSearchParams(new URL(link).hash.slice(1)).get('h')!

    // Someone with the link, but not the sender's secret.
    const mallory = await person()
    await mallory.openHome()
    const forged = await mallory.page.evaluate(async (infoHash) => {
      const secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
        .replace(/=+$/, '')
      const response = await fetch(`/api/kept/${infoHash}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${secret}` },
      })
      return { status: response.status, body: (await response.json()) as { error: string } }
    }, infoHash)
    expect(forged.status).toBe(403)
    expect(forged.body.error).toContain('Only the browser that asked')
    expect((await stored(join(keeperDir, 'data'))).length).toBeGreaterThan(0)

    // After a reload the sender still sees it kept, and can withdraw it.
    await alice.page.reload()
    await expect(keeperOf(alice)).toHaveAttribute('data-state', 'kept', { timeout: 15_000 })
    await alice.page.getByRole('button', { name: 'Stop keeping' }).click()
    await expect(alice.page.getByRole('button', { name: 'Keep available after I leave' })).toBeVisible()
    await expect.poll(async () => (await stored(keeperDir)).length).toBe(0)
  })
})

test('a full server says so, and the share stays available from the tab', async ({ browser, browserName, workDir }) => {
  const hashes = await writeTree(workDir, { 'big.bin': randomFile(3 * MiB) })
  await withKeeper(browser, join(workDir, 'keeper'), { KEEPER_MAX_MIB: '2' }, async ({ person }) => {
    const alice = await person()
    const link = await alice.share([join(workDir, 'big.bin')])
    // axe-core crashes Firefox ESR 153's content process on the share view (see accessibility.spec.ts).
    const axe = browserName === 'chromium'
    await expect(alice.page.getByRole('button', { name: 'Keep available after I leave' })).toBeVisible()
    for (const colorScheme of ['light', 'dark'] as const) {
      await alice.page.emulateMedia({ colorScheme })
      if (axe) expect(await seriousViolations(alice.page)).toEqual([])
    }
    await alice.page.getByRole('button', { name: 'Keep available after I leave' }).click()
    await expect(alice.page.getByTestId('keeper-message')).toContainText(
      'The server is full (2.1 MB left); your share stays available while this tab is open.',
    )
    if (axe) expect(await seriousViolations(alice.page)).toEqual([])
    const bob = await person()
    await bob.open(link)
    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('big.bin'))).toBe(hashes['big.bin'])
  })
})
