import { copyFile, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { currentTime, media, testVideo } from './media.js'

const MiB = 1024 * 1024

test('a private folder arrives byte-identical, one file at a time and as a zip, and its link names nothing', async ({
  alice,
  bob,
  workDir,
}) => {
  const files = {
    'Trip photos/notes.txt': new TextEncoder().encode('SWARMDROP-MARKER plain words\n'),
    'Trip photos/day 1/beach.bin': randomFile(3 * MiB + 17),
    'Trip photos/empty.txt': new Uint8Array(0),
  }
  const hashes = await writeTree(workDir, files)
  // Everything both browsers send to a server: request URLs and headers, and tracker messages.
  const sent: string[] = []
  for (const person of [alice, bob]) await person.recordSent(sent)
  const link = await alice.share({ folder: join(workDir, 'Trip photos') })

  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#h=[0-9a-f]{40}&k=[A-Za-z0-9_-]{22}$/)
  await expect(alice.page.getByTestId('share-kind')).toHaveAttribute('data-kind', 'private')
  await expect(alice.page.getByText('Magnet link and .torrent file')).toHaveCount(0)
  await expect(alice.page.getByTestId('torrent-name')).toHaveText('Trip photos')

  await bob.open(link)
  await expect(bob.page.getByTestId('torrent-name')).toHaveText('Trip photos')
  await bob.waitUntilDone()
  await expect(bob.page.getByText('beach.bin')).toBeVisible()
  expect(sha256(await bob.saveFile('beach.bin'))).toBe(hashes['Trip photos/day 1/beach.bin'])
  expect(sha256(await bob.saveFile('notes.txt'))).toBe(hashes['Trip photos/notes.txt'])
  const zip = unzipSync(await bob.saveAllAsZip())
  expect(Object.keys(zip).sort()).toEqual([
    'Trip photos/day 1/beach.bin',
    'Trip photos/empty.txt',
    'Trip photos/notes.txt',
  ])
  expect(sha256(zip['Trip photos/day 1/beach.bin']!)).toBe(hashes['Trip photos/day 1/beach.bin'])
  await expect(bob.page.getByTestId('library-item')).toContainText('Trip photos')

  // Neither the key nor a name ever left either browser (the fragment is never sent, nor a Referer).
  const key = new URLSearchParams(new URL(link).hash.slice(1)).get('k')!
  expect(sent.some((text) => text.includes('"action":"announce"'))).toBe(true)
  expect(
    sent.filter((text) => text.includes(key) || text.includes('Trip photos') || text.includes('beach.bin')),
  ).toEqual([])
})

test('a link with a wrong key or none says so in plain words, and the right link still opens', async ({
  alice,
  bob,
  carol,
  workDir,
}) => {
  const hashes = await writeTree(workDir, { 'secret.bin': randomFile(MiB) })
  const link = await alice.share([join(workDir, 'secret.bin')])
  const url = new URL(link)
  const key = new URLSearchParams(url.hash.slice(1)).get('k')!
  const wrongKey = (key[0] === 'A' ? 'B' : 'A') + key.slice(1)

  await bob.open(link.replace(key, wrongKey))
  await expect(bob.page.getByRole('alert')).toContainText('key does not open this share')
  await expect(bob.page.getByTestId('torrent-name')).toHaveText('Private share')
  await carol.open(`${url.origin}/#h=${new URLSearchParams(url.hash.slice(1)).get('h')}`)
  await expect(carol.page.getByRole('alert')).toContainText('this link has no key')

  // The whole link, after a reload: the failed attempt is replaced, not kept.
  await bob.page.goto(link)
  await bob.page.reload()
  await bob.waitUntilDone()
  await expect(bob.page.getByTestId('torrent-name')).toHaveText('secret.bin')
  expect(sha256(await bob.saveFile('secret.bin'))).toBe(hashes['secret.bin'])
})

test('a stock webtorrent client that knows only the info hash gets every byte, and neither a name nor any plaintext', async ({
  alice,
  server,
  workDir,
}) => {
  const marker = 'SWARMDROP-MARKER-7f3a'
  await writeTree(workDir, {
    'Quarterly report/draft notes.txt': new TextEncoder().encode(`${marker} ${'plain words '.repeat(5000)}`),
    'Quarterly report/figures.csv': new TextEncoder().encode(`${marker},1,2,3\n`.repeat(2000)),
  })
  const link = await alice.share({ folder: join(workDir, 'Quarterly report') })
  const infoHash = new URLSearchParams(new URL(link).hash.slice(1)).get('h')!

  // Unpatched webtorrent from npm, with WebRTC (bittorrent-tracker's webrtc-polyfill), as any swarm member.
  const { default: WebTorrent } = await import('webtorrent')
  const client = new WebTorrent({
    dht: false,
    lsd: false,
    natUpnp: false,
    natPmp: false,
    utp: false,
    tracker: { rtcConfig: { iceServers: [] } },
  })
  const out = join(workDir, 'stranger')
  try {
    const torrent = client.add(infoHash, { announce: [`${server.url.replace('http', 'ws')}/announce`], path: out })
    await new Promise<void>((resolve, reject) => {
      torrent.on('done', () => resolve())
      torrent.on('error', reject)
    })
    const names = torrent.files.map((file: { path: string }) => file.path)
    expect(names).toEqual(['swarmdrop-private-share'])
    expect(torrent.name).toBe('swarmdrop-private-share')
    const bytes = await readFile(join(out, 'swarmdrop-private-share'))
    // Every byte of the share, padded to a bucket: a whole number of 64 KiB records after a 21-byte header.
    expect((bytes.length - 21) % (64 * 1024)).toBe(0)
    for (const plain of [marker, 'Quarterly report', 'draft notes', 'figures.csv', 'plain words'])
      expect(bytes.includes(Buffer.from(plain))).toBe(false)
    expect(Buffer.from(torrent.torrentFile).includes(Buffer.from('Quarterly'))).toBe(false)
  } finally {
    await new Promise((resolve) => client.destroy(resolve))
  }
})

test('a private video plays while it downloads, decrypted on the fly, and a seek to 80 % plays again', async ({
  alice,
  bob,
  workDir,
}) => {
  const video = join(workDir, 'concert.webm')
  await copyFile(await testVideo(60, '4M'), video)
  await alice.openHome()
  await alice.setUploadLimit('1 MB/s')
  const link = await alice.share([video])

  await bob.open(link)
  await expect(media(bob.page, 'video')).toBeVisible()
  // It starts by itself, as a link opened on a video does.
  await expect.poll(() => currentTime(bob.page, 'video'), { timeout: 20_000 }).toBeGreaterThan(2)
  expect(await bob.progressPercent()).toBeLessThan(50)
  const target = await media(bob.page, 'video').evaluate(
    (element: HTMLVideoElement) => (element.currentTime = element.duration * 0.8),
  )
  await expect.poll(() => currentTime(bob.page, 'video'), { timeout: 20_000 }).toBeGreaterThan(target + 1)
  expect(await bob.progressPercent()).toBeLessThan(90)
  expect(await media(bob.page, 'video').evaluate((element: HTMLVideoElement) => element.paused)).toBe(false)
  // The player dropped streams as it sought: that is no damaged data, and nothing says so.
  await bob.waitUntilDone()
  await expect(bob.page.getByRole('alert')).toHaveCount(0)
})

test('the same files dropped again keep their private link; other bytes under the same name get a key of their own', async ({
  alice,
  bob,
  workDir,
}) => {
  const same = randomFile(MiB)
  const other = randomFile(MiB)
  const hashes = await writeTree(workDir, {
    'first/report.bin': same,
    'again/report.bin': same,
    'changed/report.bin': other,
  })
  const link = await alice.share([join(workDir, 'first', 'report.bin')])
  expect(await alice.share([join(workDir, 'again', 'report.bin')])).toBe(link)
  const otherLink = await alice.share([join(workDir, 'changed', 'report.bin')])
  const keyOf = (url: string) => new URLSearchParams(new URL(url).hash.slice(1)).get('k')
  expect(otherLink).not.toBe(link)
  expect(keyOf(otherLink)).not.toBe(keyOf(link))
  await expect(alice.page.getByTestId('library-item')).toHaveCount(2)

  await bob.open(otherLink)
  await bob.waitUntilDone()
  expect(sha256(await bob.saveFile('report.bin'))).toBe(hashes['changed/report.bin'])
})
