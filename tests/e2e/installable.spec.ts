import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'

/*
 * The installable app: its manifest, the shell kept offline by the service worker, and what the
 * system hands an installed app (files from another app's share sheet, magnet links). Chromium only:
 * Firefox installs no web apps.
 */

const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

/** Until the app's worker controls the page (it claims its clients on activation). */
const workerControls = (person: SwarmdropPage) =>
  expect
    .poll(() => person.page.evaluate(() => Boolean(navigator.serviceWorker.controller)), { timeout: 15_000 })
    .toBe(true)

test('the manifest makes the app installable, with a share target, a .torrent handler and magnet links', async ({
  alice,
}) => {
  await alice.openHome()
  const cdp = await alice.page.context().newCDPSession(alice.page)
  const { errors, url } = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string }
  expect(errors).toEqual([])
  expect(new URL(url).pathname).toBe('/manifest.webmanifest')
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors')
  // Playwright's contexts are incognito, where Chromium installs nothing; that is the only objection.
  expect(installabilityErrors.filter(({ errorId }) => errorId !== 'in-incognito')).toEqual([])

  const manifest = await alice.page.evaluate(async (href) => (await fetch(href)).json(), url)
  expect(manifest).toMatchObject({
    name: 'Swarmdrop',
    display: 'standalone',
    start_url: '/',
    share_target: { action: '/share-target', method: 'POST' },
  })
  expect(manifest.file_handlers[0].accept).toEqual({ 'application/x-bittorrent': ['.torrent'] })
  expect(manifest.protocol_handlers).toEqual([{ protocol: 'magnet', url: '/?open=%s' }])
  for (const icon of manifest.icons as Array<{ src: string }>)
    expect((await alice.page.request.get(alice.origin + icon.src)).ok()).toBe(true)
})

test('files shared from another app start a new share, which a receiver downloads', async ({ alice, bob, workDir }) => {
  const hashes = await writeTree(workDir, {
    'from-gallery.jpg': randomFile(300_000),
    'note.txt': new TextEncoder().encode('shared from a phone'),
  })
  await alice.openHome()
  await workerControls(alice)
  // What the system does for an installed app: a form POST of the files, navigating to the share target.
  await alice.page.goto('about:blank')
  await alice.page.setContent(
    `<form method="post" enctype="multipart/form-data" action="${alice.origin}/share-target"><input type="file" name="files" multiple></form>`,
  )
  await alice.page
    .locator('input[type=file]')
    .setInputFiles([join(workDir, 'from-gallery.jpg'), join(workDir, 'note.txt')])
  await alice.page.locator('form').evaluate((form: HTMLFormElement) => form.submit())

  const link = await alice.page.getByTestId('share-link').inputValue()
  await expect(alice.status()).toHaveAttribute('data-status', 'seeding')
  await expect(alice.page.getByTestId('torrent-name')).toHaveText('2 files')
  expect(new URL(alice.page.url()).search).toBe('')

  await bob.open(link)
  await bob.waitUntilDone()
  expect(sha256(await bob.saveFile('from-gallery.jpg'))).toBe(hashes['from-gallery.jpg'])
})

test('a private link shared from another app opens its download, and its key reaches no server', async ({
  alice,
  bob,
  workDir,
}) => {
  const hashes = await writeTree(workDir, { 'secret plans.txt': new TextEncoder().encode('shared as a link') })
  const link = await alice.share([join(workDir, 'secret plans.txt')])
  const key = new URLSearchParams(new URL(link).hash.slice(1)).get('k')!
  const sent: string[] = []
  await bob.recordSent(sent)
  await bob.openHome()
  await workerControls(bob)
  // A phone's share sheet sharing the link as text: the system posts it to the share target.
  await bob.page.goto('about:blank')
  await bob.page.setContent(
    `<form method="post" enctype="multipart/form-data" action="${bob.origin}/share-target"><input name="text"></form>`,
  )
  await bob.page.locator('input[name=text]').fill(link)
  await bob.page.locator('form').evaluate((form: HTMLFormElement) => form.submit())

  await bob.waitUntilDone()
  expect(sha256(await bob.saveFile('secret plans.txt'))).toBe(hashes['secret plans.txt'])
  expect(sent.filter((text) => text.includes(key))).toEqual([])
})

test('a magnet link handed to the app opens its download', async ({ bob }) => {
  const infoHash = '0123456789abcdef0123456789abcdef01234567'
  await bob.page.goto(`${bob.origin}/?open=${encodeURIComponent(`magnet:?xt=urn:btih:${infoHash}&dn=handed.bin`)}`)
  await expect(bob.page.getByTestId('torrent-name')).toHaveText('handed.bin')
  expect(new URL(bob.page.url()).hash).toContain(infoHash)
})

test('once visited, the app starts with the server unreachable', async ({ browser }) => {
  const server = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT }))
  const { port } = await server.listen()
  const context = await browser.newContext()
  try {
    const person = new SwarmdropPage(await context.newPage(), `http://127.0.0.1:${port}`)
    await person.openHome()
    await workerControls(person)
    // The shell is stored a few seconds after load, once the page has settled.
    const shellKept = () =>
      person.page.evaluate(async () => {
        for (const key of await caches.keys())
          if (key.startsWith('swarmdrop-shell-') && (await (await caches.open(key)).match('/'))) return true
        return false
      })
    await expect.poll(shellKept, { timeout: 20_000 }).toBe(true)
    await server.close()

    await person.page.reload()
    await expect(person.page.getByTestId('dropzone')).toBeVisible()
    await expect(person.page.getByRole('button', { name: 'Choose files' })).toBeEnabled()
  } finally {
    await context.close()
    await server.close().catch(() => {})
  }
})
