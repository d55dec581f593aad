import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import bencode from 'bencode'
import { workaroundsFor, type EngineReport } from '@swarmdrop/engine'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { freePort } from '../support/wait.js'
import { HybridProcess } from './hybrid.js'

const MiB = 1024 * 1024

test.describe('hybrid node', () => {
  const processes: HybridProcess[] = []
  const hybrid = (args: string[]) => {
    const process = HybridProcess.start(args)
    processes.push(process)
    return process
  }
  test.afterEach(async () => {
    await Promise.all(processes.splice(0).map((process) => process.stop()))
  })

  test('a file seeded by the hybrid node reaches a browser over WebRTC; metrics count it; SIGTERM stops it cleanly', async ({
    server,
    bob,
    workDir,
  }) => {
    const hashes = await writeTree(workDir, { 'from-node.bin': randomFile(4 * MiB) })
    const seeder = hybrid([
      'seed',
      join(workDir, 'from-node.bin'),
      '--app',
      server.url,
      '--no-dht',
      '--torrent-port',
      '0',
      '--status-port',
      '0',
    ])
    const seeding = await seeder.waitFor((event) => event.event === 'seeding')
    const statusUrl = String((await seeder.waitFor((event) => event.event === 'status-server')).url)
    expect(seeding.link).toMatch(/#h=[0-9a-f]{40}/)

    await bob.open(String(seeding.link))
    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('from-node.bin'))).toBe(hashes['from-node.bin'])
    await expect.poll(() => seeder.latestStatus(String(seeding.infoHash))?.peers.webrtc ?? 0).toBe(1)

    const metrics = await (await fetch(statusUrl.replace('/status', '/metrics'))).text()
    expect(metrics).toMatch(/swarmdrop_hybrid_peers\{kind="webrtc"\} 1/)
    const sent = Number(/swarmdrop_hybrid_bytes_total\{kind="webrtc",direction="out"\} (\d+)/.exec(metrics)?.[1])
    expect(sent).toBeGreaterThanOrEqual(4 * MiB)
    const status = (await (await fetch(statusUrl)).json()) as { torrents: unknown[]; engine: EngineReport }
    expect(status.torrents).toHaveLength(1)
    // The Node build runs with every workaround the engine has for it, and none skipped; the classes of
    // a classic dial are met only by one (classic.spec.ts checks those).
    expect(status.engine.mismatches).toEqual([])
    expect(status.engine.applied.toSorted()).toEqual(
      workaroundsFor('node')
        .filter((id) => id !== 'classic-dials')
        .toSorted(),
    )
    expect(metrics).toMatch(/swarmdrop_hybrid_engine_mismatches 0/)

    // Ctrl-C or SIGTERM: it tells the tracker it stopped and exits within a few seconds.
    const peersBefore = ((await (await fetch(`${server.url}/stats`)).json()) as { peers: number }).peers
    const stoppedAt = Date.now()
    expect(await seeder.stop('SIGTERM')).toBe(0)
    expect(Date.now() - stoppedAt).toBeLessThan(6_000)
    await expect
      .poll(async () => ((await (await fetch(`${server.url}/stats`)).json()) as { peers: number }).peers)
      .toBeLessThan(peersBefore)
  })

  test('the same folder shared from a browser and seeded by the hybrid node makes one torrent, one swarm', async ({
    alice,
    workDir,
  }) => {
    // Hidden and junk files are left out by both, and counted by neither when choosing the piece size
    // (4 MiB more would double it).
    await writeTree(workDir, {
      'album/a.bin': randomFile(6 * MiB),
      'album/b/c.bin': randomFile(2 * MiB + 5),
      'album/.DS_Store': randomFile(4 * MiB),
      'album/b/Thumbs.db': randomFile(10),
    })
    const link = await alice.share({ folder: join(workDir, 'album') }, { as: 'public' })
    const seeder = hybrid(['seed', join(workDir, 'album'), '--app', alice.origin, '--no-dht'])
    const seeding = await seeder.waitFor((event) => event.event === 'seeding')
    expect(String(seeding.link)).toContain(`#h=${String(seeding.infoHash)}`)
    expect(link).toContain(`#h=${String(seeding.infoHash)}`)
  })

  test('a file shared in a browser is downloaded by the hybrid node, which then exits', async ({ alice, workDir }) => {
    const hashes = await writeTree(workDir, { 'from-browser.bin': randomFile(3 * MiB) })
    const link = await alice.share([join(workDir, 'from-browser.bin')], { as: 'public' })
    const out = join(workDir, 'out')
    const downloader = hybrid(['download', link, '-o', out, '--app', alice.origin, '--no-dht'])
    await downloader.waitFor((event) => event.event === 'done')
    expect(await downloader.exited).toBe(0)
    expect(sha256(await readFile(join(out, 'from-browser.bin')))).toBe(hashes['from-browser.bin'])
    // It reported its first connection, how and how soon.
    const firstPeer = downloader.events.find((event) => event.event === 'first-peer')
    expect(firstPeer).toMatchObject({ transport: 'webrtc' })
    expect(Number(firstPeer?.afterMs)).toBeGreaterThanOrEqual(0)
  })

  test('a private share from a browser is downloaded by the hybrid node as plain files; without its key it refuses', async ({
    alice,
    workDir,
  }) => {
    const hashes = await writeTree(workDir, {
      'Plans/draft.txt': new TextEncoder().encode('SWARMDROP-MARKER draft\n'),
      'Plans/maps/area.bin': randomFile(3 * MiB),
    })
    const link = await alice.share({ folder: join(workDir, 'Plans') })
    const out = join(workDir, 'out')
    const downloader = hybrid(['download', link, '-o', out, '--app', alice.origin, '--no-dht'])
    const done = await downloader.waitFor((event) => event.event === 'done')
    expect(done).toMatchObject({ name: 'Plans', files: 2 })
    expect(await downloader.exited).toBe(0)
    for (const path of ['Plans/draft.txt', 'Plans/maps/area.bin'])
      expect(sha256(await readFile(join(out, path)))).toBe(hashes[path])
    expect(await readdir(out)).toEqual(['Plans'])

    const keyless = hybrid([
      'download',
      link.replace(/&k=[^&]+/, ''),
      '-o',
      join(workDir, 'keyless'),
      '--app',
      alice.origin,
      '--no-dht',
    ])
    const failure = await keyless.waitFor((event) => event.event === 'error')
    expect(String(failure.message)).toContain('this link has no key')
    expect(await keyless.exited).toBe(1)
  })

  test('bridging a private share without its key moves only ciphertext, and a browser with the link still gets the files', async ({
    alice,
    bob,
    workDir,
  }) => {
    const marker = 'SWARMDROP-MARKER-bridge'
    const hashes = await writeTree(workDir, { 'Memo/memo.txt': new TextEncoder().encode(`${marker}\n`.repeat(20_000)) })
    const link = await alice.share({ folder: join(workDir, 'Memo') })
    const infoHash = new URLSearchParams(new URL(link).hash.slice(1)).get('h')!
    const out = join(workDir, 'bridge')
    const bridge = hybrid(['bridge', infoHash, '-o', out, '--app', alice.origin, '--no-dht'])
    await bridge.waitFor((event) => event.event === 'done')
    expect(await readdir(out)).toEqual(['swarmdrop-private-share'])
    expect((await readFile(join(out, 'swarmdrop-private-share'))).includes(Buffer.from(marker))).toBe(false)

    // The sender leaves; the bridge alone serves the link holder.
    await alice.page.close()
    await bob.open(link)
    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('memo.txt'))).toBe(hashes['Memo/memo.txt'])
  })

  test('seed --private prints a private link; a browser opens it and gets the files under their names', async ({
    bob,
    workDir,
  }) => {
    const hashes = await writeTree(workDir, {
      'Album/one.bin': randomFile(2 * MiB),
      'Album/two/three.txt': new TextEncoder().encode('three\n'),
    })
    const seeder = hybrid(['seed', '--private', join(workDir, 'Album'), '--app', bob.origin, '--no-dht'])
    const seeding = await seeder.waitFor((event) => event.event === 'seeding')
    expect(seeding).toMatchObject({ name: 'Album', private: true })
    expect(String(seeding.link)).toMatch(/#h=[0-9a-f]{40}&k=[A-Za-z0-9_-]{22}$/)
    await bob.open(String(seeding.link))
    await expect(bob.page.getByTestId('torrent-name')).toHaveText('Album')
    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('one.bin'))).toBe(hashes['Album/one.bin'])
    expect(sha256(await bob.saveFile('three.txt'))).toBe(hashes['Album/two/three.txt'])
  })

  test('two hybrid nodes with no tracker find each other through the DHT, though the seeder started before any DHT node', async ({
    workDir,
  }) => {
    const { default: DHT } = await import('bittorrent-dht')
    const bootstrapPort = await freePort('udp')
    const bootstrapAddress = `127.0.0.1:${bootstrapPort}`
    const bootstrap = new DHT({ bootstrap: false })
    try {
      const hashes = await writeTree(workDir, { 'dht.bin': randomFile(2 * MiB) })
      const dhtArgs = ['--no-app', '--dht-bootstrap', bootstrapAddress, '--no-utp']
      const seeder = hybrid(['seed', join(workDir, 'dht.bin'), ...dhtArgs, '--torrent-port', String(await freePort())])
      const seeding = await seeder.waitFor((event) => event.event === 'seeding')
      // Its first DHT announce went nowhere; webtorrent would announce again only in ~15 minutes.
      await new Promise<void>((resolve) => bootstrap.listen(bootstrapPort, '127.0.0.1', () => resolve()))
      const out = join(workDir, 'dht-out')
      const downloader = hybrid(['download', String(seeding.magnet), '-o', out, ...dhtArgs])
      await downloader.waitFor((event) => event.event === 'done', 90_000)
      expect(sha256(await readFile(join(out, 'dht.bin')))).toBe(hashes['dht.bin'])
    } finally {
      bootstrap.destroy()
    }
  })

  test('killed halfway and restarted, it completes without fetching verified pieces again', async ({
    server,
    workDir,
  }) => {
    const size = 8 * MiB
    const hashes = await writeTree(workDir, { 'resume.bin': randomFile(size) })
    const seeder = hybrid([
      'seed',
      join(workDir, 'resume.bin'),
      '--app',
      server.url,
      '--no-dht',
      '--upload-limit',
      '1MB/s',
    ])
    const seeding = await seeder.waitFor((event) => event.event === 'seeding')
    const infoHash = String(seeding.infoHash)
    const out = join(workDir, 'resume-out')
    const args = ['download', String(seeding.magnet), '-o', out, '--app', server.url, '--no-dht']

    const first = hybrid(args)
    await expect.poll(() => first.latestStatus(infoHash)?.progress ?? 0, { timeout: 60_000 }).toBeGreaterThan(0.45)
    await first.stop('SIGKILL')

    const second = hybrid(args)
    await second.waitFor((event) => event.event === 'done', 60_000)
    expect(sha256(await readFile(join(out, 'resume.bin')))).toBe(hashes['resume.bin'])
    await expect.poll(() => seeder.latestStatus(infoHash)?.uploaded ?? 0).toBeGreaterThanOrEqual(size)
    expect(seeder.latestStatus(infoHash)!.uploaded).toBeLessThan(1.3 * size)
  })

  test('a torrent naming ../../evil is refused and nothing is written outside the output folder', async ({
    workDir,
  }) => {
    const evil = bencode.encode({
      announce: 'ws://127.0.0.1:9/announce',
      info: {
        name: 'innocent',
        'piece length': 16384,
        pieces: new Uint8Array(20),
        files: [{ length: 5, path: ['..', '..', 'evil'] }],
      },
    })
    const torrentPath = join(workDir, 'evil.torrent')
    await writeTree(workDir, { 'evil.torrent': evil })
    const out = join(workDir, 'nested', 'out')
    const downloader = hybrid(['download', torrentPath, '-o', out, '--no-app', '--no-dht'])
    await downloader.waitFor((event) => event.event === 'error')
    expect(await downloader.exited).toBe(1)
    expect(downloader.output).toContain('Refusing this torrent')
    expect((await readdir(workDir)).sort()).toEqual(['evil.torrent'])
  })
})
