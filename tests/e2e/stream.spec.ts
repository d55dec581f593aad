import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, randomFile, test, writeTree } from './fixtures.js'
import { currentTime, media, playMuted, testAudio, testVideo } from './media.js'

test('a video plays long before it has downloaded, and a seek to 80 % plays again', async ({ alice, bob, workDir }) => {
  const video = join(workDir, 'concert.webm')
  await copyFile(await testVideo(60, '4M'), video)
  await bob.page.addInitScript(() =>
    sessionStorage.setItem('loads', String(Number(sessionStorage.getItem('loads') ?? 0) + 1)),
  )

  await alice.openHome()
  await alice.setUploadLimit('1 MB/s')
  const link = await alice.share([video], { as: 'public' })

  // A first visit: no service worker is installed in this fresh context.
  await bob.open(link)
  await expect(media(bob.page, 'video')).toBeVisible()
  // It starts by itself; muted, with an Unmute button, where the browser allows no sound without a click.
  await expect.poll(() => currentTime(bob.page, 'video'), { timeout: 20_000 }).toBeGreaterThan(2)
  const unmute = bob.page.getByRole('button', { name: 'Unmute' })
  if (await media(bob.page, 'video').evaluate((element: HTMLVideoElement) => element.muted)) {
    await unmute.click()
    expect(await media(bob.page, 'video').evaluate((element: HTMLVideoElement) => element.muted)).toBe(false)
  }
  await expect(unmute).toHaveCount(0)
  // The file's end, whose index of key frames a seek reads first, comes soon after playback starts.
  const lastCell = bob.page.getByTestId('piece-map').locator('.piece-map__cell').last()
  await expect.poll(() => lastCell.evaluate((cell: HTMLElement) => cell.style.opacity), { timeout: 10_000 }).toBe('1')
  expect(await bob.progressPercent()).toBeLessThan(50)

  const target = await media(bob.page, 'video').evaluate((element: HTMLVideoElement) => {
    element.currentTime = element.duration * 0.8
    return element.currentTime
  })
  await expect.poll(() => currentTime(bob.page, 'video'), { timeout: 15_000 }).toBeGreaterThan(target + 1)
  expect(await bob.progressPercent()).toBeLessThan(90)
  expect(await media(bob.page, 'video').evaluate((element: HTMLVideoElement) => element.paused)).toBe(false)

  expect(await bob.page.evaluate(() => sessionStorage.getItem('loads'))).toBe('1')
  expect(await bob.page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true)
})

test('audio plays while it downloads, on the receiver and the sender', async ({ alice, bob, workDir }) => {
  const audio = join(workDir, 'tone.opus')
  await copyFile(await testAudio(60), audio)
  await alice.openHome()
  await alice.setUploadLimit('100 kB/s')
  const link = await alice.share([audio])
  await expect(media(alice.page, 'audio')).toBeVisible()

  await bob.open(link)
  await playMuted(bob.page, 'audio')
  await expect.poll(() => currentTime(bob.page, 'audio'), { timeout: 20_000 }).toBeGreaterThan(1)
  expect(await bob.progressPercent()).toBeLessThan(100)

  await playMuted(alice.page, 'audio')
  await expect.poll(() => currentTime(alice.page, 'audio')).toBeGreaterThan(0.5)
})

test('a file the browser cannot play says so and can still be saved', async ({ alice, bob, workDir }) => {
  await writeTree(workDir, { 'broken.webm': randomFile(200_000) })
  const link = await alice.share([join(workDir, 'broken.webm')])
  await bob.open(link)
  await expect(bob.page.getByTestId('media-error')).toContainText('cannot')
  await bob.waitUntilDone()
  expect((await bob.saveFile('broken.webm')).length).toBe(200_000)
})

test('text files show a preview', async ({ alice, bob, workDir }) => {
  await writeTree(workDir, { 'notes.txt': new TextEncoder().encode('<b>not bold</b>\nsecond line') })
  const link = await alice.share([join(workDir, 'notes.txt')])
  await bob.open(link)
  await expect(bob.page.getByTestId('text-preview')).toHaveText('<b>not bold</b>\nsecond line')
})

test('without service workers, media plays once downloaded', async ({ alice, bob, workDir }) => {
  const video = join(workDir, 'short.webm')
  await copyFile(await testVideo(5, '1M'), video)
  await bob.page.addInitScript(() =>
    Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined }),
  )
  const link = await alice.share([video])
  await bob.open(link)
  await bob.waitUntilDone()
  await playMuted(bob.page, 'video')
  await expect.poll(() => currentTime(bob.page, 'video')).toBeGreaterThan(0.5)
})
