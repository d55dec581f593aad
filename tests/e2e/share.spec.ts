import { join } from 'node:path'
import { DONE_MARK, FIRST_PEER_MARK } from '@swarmdrop/common'
import { unzipSync } from 'fflate'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { readDownload } from './swarmdrop-page.js'

const MiB = 1024 * 1024

test('one 20 MiB file arrives byte-identical, with live progress and a share card', async ({ alice, bob, workDir }) => {
  const hashes = await writeTree(workDir, { 'random.bin': randomFile(20 * MiB) })
  const link = await alice.share([join(workDir, 'random.bin')], { as: 'public' })

  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#h=[0-9a-f]{40}&dn=random\.bin$/)
  await alice.allowClipboard()
  await alice.page.getByRole('button', { name: 'Copy link' }).click()
  await expect(alice.page.getByRole('button', { name: 'Copied!' })).toBeVisible()
  expect(await alice.clipboardText()).toBe(link)
  await expect(alice.page.getByRole('img', { name: 'QR code of the share link' })).toBeVisible()
  await alice.page.getByText('Magnet link and .torrent file').click()
  await expect(alice.page.getByTestId('magnet-link')).toHaveValue(/^magnet:\?xt=urn:btih:[0-9a-f]{40}/)
  const [torrentFile] = await Promise.all([
    alice.page.waitForEvent('download'),
    alice.page.getByRole('button', { name: 'Download .torrent' }).click(),
  ])
  expect(torrentFile.suggestedFilename()).toBe('random.bin.torrent')
  expect(new TextDecoder().decode((await readDownload(torrentFile)).slice(0, 11))).toBe('d8:announce')

  await bob.open(link)
  await expect(bob.page.getByTestId('torrent-name')).toHaveText('random.bin')
  await bob.waitUntilDone()
  await expect(bob.page.getByTestId('stat-received')).toHaveText('21 / 21 MB')
  // The benchmarks time a transfer by these marks: from the first peer to every piece stored.
  const [firstPeerAt, doneAt] = await bob.page.evaluate(
    (names) => names.map((name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN),
    [FIRST_PEER_MARK, DONE_MARK],
  )
  expect(doneAt).toBeGreaterThan(firstPeerAt!)
  expect(sha256(await bob.saveFile('random.bin'))).toBe(hashes['random.bin'])

  // Both keep seeding and list the torrent with its state.
  await expect(alice.page.getByTestId('library-item')).toContainText('Sharing')
  await expect(bob.page.getByTestId('library-item')).toContainText('Done')
  await expect(alice.page.getByTestId('stat-peers')).toHaveText('1')
})

test('two receivers at once trade pieces: both get the file, and the sender uploads far less than twice its size', async ({
  alice,
  bob,
  carol,
  workDir,
}) => {
  const hashes = await writeTree(workDir, { 'crowd.bin': randomFile(6 * MiB) })
  await alice.openHome()
  // A slow sender: what the receivers have, they get from each other sooner.
  await alice.setUploadLimit('1 MB/s')
  const link = await alice.share([join(workDir, 'crowd.bin')])
  await Promise.all([bob.open(link), carol.open(link)])
  await Promise.all([bob.waitUntilDone(), carol.waitUntilDone()])
  for (const receiver of [bob, carol]) expect(sha256(await receiver.saveFile('crowd.bin'))).toBe(hashes['crowd.bin'])
  // Each got 6 MiB: had they not traded, the sender would have uploaded about twice that.
  const uploaded = await alice.settledUploaded()
  test.info().annotations.push({ type: 'sender uploaded', description: `${(uploaded / MiB).toFixed(2)} MiB` })
  expect(uploaded).toBeLessThan(1.6 * 6 * MiB)
})

test('a sender that vanishes mid-download is dropped within seconds, and the other sender finishes the file', async ({
  alice,
  bob,
  carol,
  workDir,
  browserName,
}) => {
  test.skip(browserName !== 'chromium', 'crashing a tab takes Chromium DevTools (Page.crash)')
  const hashes = await writeTree(workDir, { 'twice.bin': randomFile(16 * MiB) })
  // Two people share the same file, which makes the same torrent; slow senders keep the download going.
  for (const sender of [alice, carol]) {
    await sender.openHome()
    await sender.setUploadLimit('1 MB/s')
  }
  const link = await alice.share([join(workDir, 'twice.bin')], { as: 'public' })
  await carol.share([join(workDir, 'twice.bin')], { as: 'public' })
  await bob.open(link)
  await expect(bob.page.getByTestId('stat-peers')).toHaveText('2')
  await expect(bob.page.getByTestId('stat-received')).toHaveText(/^[1-9]/)

  // Carol's tab dies without closing its connection: her blocks stay reserved until Bob lets her go.
  const crashed = carol.page.waitForEvent('crash')
  void (await carol.page.context().newCDPSession(carol.page)).send('Page.crash').catch(() => {})
  await crashed
  // ICE notices within ~5 s, and the peer is dropped 3 s later; without that, ICE gives up after ~30 s.
  await expect(bob.page.getByTestId('stat-peers')).toHaveText('1', { timeout: 15_000 })
  await bob.waitUntilDone()
  expect(sha256(await bob.saveFile('twice.bin'))).toBe(hashes['twice.bin'])
})

test('a folder tree with Unicode names, spaces and an empty file arrives whole, file by file and as a zip', async ({
  alice,
  bob,
  workDir,
}) => {
  const files: Record<string, Uint8Array> = { 'Ferien 2026/empty.txt': new Uint8Array(0) }
  const dirs = ['', 'photos/', 'photos/été à Paris/', 'docs/日本語/', 'docs/with space/deeper/']
  for (let i = 0; i < 19; i++)
    files[`Ferien 2026/${dirs[i % dirs.length]}file ${i} ✓.bin`] = randomFile(1000 + i * 4099)
  const hashes = await writeTree(workDir, files)

  const link = await alice.share({ folder: join(workDir, 'Ferien 2026') })
  await bob.open(link)
  await bob.waitUntilDone()

  await expect(bob.page.getByTestId('file-row')).toHaveCount(20)
  const shownPaths = await bob.page.getByTestId('file-path').allTextContents()
  expect(shownPaths.sort()).toEqual(Object.keys(files).sort())

  const zip = unzipSync(await bob.saveAllAsZip())
  expect(Object.keys(zip).sort()).toEqual(Object.keys(files).sort())
  for (const [path, bytes] of Object.entries(zip)) expect(sha256(bytes), path).toBe(hashes[path])

  expect(sha256(await bob.saveFile('empty.txt'))).toBe(hashes['Ferien 2026/empty.txt'])
})

test('a file name full of HTML is shown as text, never run', async ({ alice, bob, workDir }) => {
  const name = '<img src=x onerror=alert(1)>.txt'
  await writeTree(workDir, { [name]: new TextEncoder().encode('hello') })
  const dialogs: string[] = []
  for (const person of [alice, bob])
    person.page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())))

  const link = await alice.share([join(workDir, name)])
  await bob.open(link)
  await bob.waitUntilDone()

  await expect(bob.page.getByTestId('torrent-name')).toHaveText(name)
  await expect(bob.page.getByTestId('file-path')).toHaveText(name)
  expect(await bob.page.locator('img[src="x"]').count()).toBe(0)
  expect(new TextDecoder().decode(await bob.saveFile(name))).toBe('hello')
  expect(dialogs).toEqual([])
})

test('deleting a torrent stops it and takes it off the list', async ({ alice, workDir }) => {
  await writeTree(workDir, { 'a.txt': randomFile(1000) })
  await alice.share([join(workDir, 'a.txt')])
  await alice.page.getByRole('button', { name: 'Delete a.txt' }).click()
  await expect(alice.page.getByTestId('library-item')).toHaveCount(0)
  await expect(alice.page.getByTestId('dropzone')).toBeVisible()
})

test('files dropped anywhere on the page are shared as one torrent', async ({ alice, bob }) => {
  await alice.openHome()
  await alice.page.evaluate(() => {
    const data = new DataTransfer()
    data.items.add(new File(['first file'], 'one.txt', { type: 'text/plain' }))
    data.items.add(new File(['second file'], 'two.txt', { type: 'text/plain' }))
    const target = document.querySelector('.topbar')!
    for (const type of ['dragenter', 'dragover', 'drop'])
      target.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
  })
  const link = await alice.page.getByTestId('share-link').inputValue()
  await expect(alice.page.getByTestId('torrent-name')).toHaveText('2 files')

  await bob.open(link)
  await bob.waitUntilDone()
  expect(new TextDecoder().decode(await bob.saveFile('two.txt'))).toBe('second file')
})

test('hashing a large file shows its progress before the link appears', async ({ alice, workDir }) => {
  await writeTree(workDir, { 'large.bin': randomFile(128 * MiB) })
  await alice.openHome()
  // Record every value the preparing bar shows, however briefly it is on screen.
  await alice.page.evaluate(() => {
    const seen: number[] = ((window as unknown as { preparingSeen: number[] }).preparingSeen = [])
    new MutationObserver(() => {
      const bar = document.querySelector('[data-testid="preparing"] [role="progressbar"]')
      if (bar) seen.push(Number(bar.getAttribute('aria-valuenow')))
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
  await alice.page.getByTestId('file-input').setInputFiles(join(workDir, 'large.bin'))
  await expect(alice.page.getByTestId('share-link')).toBeVisible({ timeout: 60_000 })
  const seen = await alice.page.evaluate(() => (window as unknown as { preparingSeen: number[] }).preparingSeen)
  expect(
    seen.some((value) => value > 0 && value < 100),
    `values shown: ${seen.join(', ')}`,
  ).toBe(true)
})
