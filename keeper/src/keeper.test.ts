import assert from 'node:assert/strict'
import { readdir, readFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { encodeSecret, randomKeeperSecret, recordOffset } from '@swarmdrop/common'
import { HybridNode, openPrivateShare, sealFiles, writePlainFiles } from '@swarmdrop/hybrid-node'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import type { Torrent } from 'webtorrent'
import { Keeper, type KeeperConfig } from './keeper.js'

const MiB = 1024 * 1024
const MARKER = 'KEEPER-PLAINTEXT-MARKER'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until<T>(what: string, read: () => T | Promise<T>, limitMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + limitMs
  for (;;) {
    const value = await read()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await sleep(50)
  }
}

/** Every file under a folder, with its bytes. */
async function filesUnder(dir: string): Promise<Buffer[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name))),
  )
}

describe('the keeper', () => {
  let dir: string
  let server: SwarmdropServer
  let tracker: string
  let clock = Date.now()
  const keepers: Keeper[] = []
  const nodes: HybridNode[] = []

  const config = (overrides: Partial<KeeperConfig> = {}): KeeperConfig => ({
    dir: join(dir, 'keeper'),
    maxBytes: 64 * MiB,
    maxShareBytes: 16 * MiB,
    maxHours: 24,
    sharesPerAddressPerDay: 10,
    allowPublic: false,
    trackers: [tracker],
    rtcConfigUrl: null,
    ...overrides,
  })
  const startKeeper = async (overrides: Partial<KeeperConfig> = {}) => {
    const keeper = new Keeper(config(overrides), () => clock)
    keepers.push(keeper)
    await keeper.start()
    return keeper
  }
  const node = () => {
    const created = new HybridNode({ trackers: [tracker], dht: false, utp: false })
    nodes.push(created)
    return created
  }
  /** A sender: a private share of a folder holding MARKER, seeded over WebRTC through the tracker. */
  const share = async (name: string) => {
    const folder = join(dir, name)
    await writeFile(join(dir, `${name}.txt`), `${MARKER} ${name}\n`.repeat(1000))
    const sealed = await sealFiles([join(dir, `${name}.txt`)], join(folder, 'sealed'))
    const sender = node()
    const torrent = await sender.seed([sealed.path], { undated: true })
    return { sender, torrent, secret: sealed.secret }
  }
  const keep = (keeper: Keeper, torrent: Torrent, secret: string, extra: { hours?: number; address?: string } = {}) =>
    keeper.keep({
      infoHash: torrent.infoHash,
      length: torrent.length,
      hours: extra.hours ?? 1,
      secret,
      address: extra.address ?? '192.0.2.1',
    })
  const kept = (keeper: Keeper, infoHash: string, secret: string) =>
    until('the keeper to hold every piece', () => {
      const status = keeper.status(infoHash, secret)
      return status.ok && status.value.state === 'kept'
    })

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmdrop-keeper-'))
    await writeFile(join(dir, 'index.html'), '<!doctype html>')
    server = new SwarmdropServer(localServerConfig({ webRoot: dir }))
    const { port } = await server.listen()
    tracker = `ws://127.0.0.1:${port}/announce`
  })
  after(async () => {
    await Promise.all([...keepers.map((keeper) => keeper.stop()), ...nodes.map((each) => each.destroy())])
    await server.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('takes a private share from its sender, serves it once the sender is gone, and holds no plaintext', async () => {
    const keeper = await startKeeper()
    const { sender, torrent, secret: key } = await share('first')
    const secret = randomKeeperSecret()
    const asked = await keep(keeper, torrent, secret)
    assert.ok(asked.ok && asked.value.state === 'fetching')
    await kept(keeper, torrent.infoHash, secret)
    await sender.destroy()

    const receiver = node()
    const download = await receiver.add(
      { kind: 'link', link: { infoHash: torrent.infoHash, trackers: [], secret: encodeSecret(key) } },
      join(dir, 'received'),
    )
    if (!download.done) await new Promise((resolve) => download.once('done', resolve))
    const opened = await openPrivateShare(download, key)
    const [written] = await writePlainFiles(opened, join(download.path, download.files[0]!.path), join(dir, 'plain'))
    assert.equal(await readFile(written!, 'utf8'), `${MARKER} first\n`.repeat(1000))

    const stored = await filesUnder(config().dir)
    assert.ok(
      stored.some((bytes) => bytes.length === torrent.length),
      'the records are on disk',
    )
    assert.ok(!stored.some((bytes) => bytes.includes(MARKER)), 'no plaintext on disk')
    assert.ok(!stored.some((bytes) => bytes.includes(Buffer.from(key))), 'no key on disk')
    assert.ok(!stored.some((bytes) => bytes.includes(secret)), 'no keeper secret on disk (only its hash)')
  })

  it('picks its shares up again after a restart, verified from disk, and serves them without the sender', async () => {
    const first = await startKeeper({ dir: join(dir, 'keepers', 'restart') })
    const { sender, torrent } = await share('restart')
    const secret = randomKeeperSecret()
    await keep(first, torrent, secret)
    await kept(first, torrent.infoHash, secret)
    await sender.destroy()
    await first.stop()

    const second = await startKeeper({ dir: join(dir, 'keepers', 'restart') })
    await kept(second, torrent.infoHash, secret)
    const receiver = node()
    const download = await receiver.add(
      { kind: 'link', link: { infoHash: torrent.infoHash, trackers: [] } },
      join(dir, 'received-after-restart'),
    )
    if (!download.done) await new Promise((resolve) => download.once('done', resolve))
    assert.equal(download.downloaded, torrent.length)
  })

  it('lets only the browser that asked see, extend or withdraw a share, and withdrawing deletes it', async () => {
    const keeper = await startKeeper({ dir: join(dir, 'keepers', 'withdraw') })
    const { torrent } = await share('withdraw')
    const secret = randomKeeperSecret()
    const forged = randomKeeperSecret()
    await keep(keeper, torrent, secret)
    await kept(keeper, torrent.infoHash, secret)

    assert.equal(
      (keeper.status(torrent.infoHash, forged) as { refusal?: { reason: string } }).refusal?.reason,
      'forbidden',
    )
    const extended = await keep(keeper, torrent, forged, { hours: 24 })
    assert.equal(!extended.ok && extended.refusal.reason, 'forbidden')
    const withdrawn = await keeper.withdraw(torrent.infoHash, forged)
    assert.equal(!withdrawn.ok && withdrawn.refusal.reason, 'forbidden')
    assert.ok((await filesUnder(join(dir, 'keepers', 'withdraw', 'data'))).length > 0, 'still kept')

    const longer = await keep(keeper, torrent, secret, { hours: 48 })
    assert.ok(longer.ok)
    assert.equal(longer.value.expiresAtMs, clock + 24 * 3600 * 1000, 'extended, to the operator’s longest')

    assert.ok((await keeper.withdraw(torrent.infoHash, secret)).ok)
    assert.deepEqual(await filesUnder(join(dir, 'keepers', 'withdraw')), [])
    assert.equal(
      (keeper.status(torrent.infoHash, secret) as { refusal?: { reason: string } }).refusal?.reason,
      'not-found',
    )
  })

  it('deletes a share from disk when it expires', async () => {
    const keeper = await startKeeper({ dir: join(dir, 'keepers', 'expiry') })
    const { torrent } = await share('expiry')
    const secret = randomKeeperSecret()
    await keep(keeper, torrent, secret, { hours: 1 })
    await kept(keeper, torrent.infoHash, secret)
    clock += 3600 * 1000 - 1
    await keeper.sweep()
    assert.ok(keeper.status(torrent.infoHash, secret).ok, 'kept until the hour is up')
    clock += 1
    await keeper.sweep()
    assert.ok(!keeper.status(torrent.infoHash, secret).ok)
    assert.deepEqual(await filesUnder(join(dir, 'keepers', 'expiry')), [])
  })

  it('drops a share whose sender left before the keeper had it, and tells the sender why', async () => {
    const keeper = await startKeeper({ dir: join(dir, 'keepers', 'stalled') })
    const secret = randomKeeperSecret()
    // Nobody seeds this one: no metadata, no piece, ever.
    const infoHash = 'cd'.repeat(20)
    assert.ok((await keeper.keep({ infoHash, length: recordOffset(16), hours: 1, secret, address: '192.0.2.9' })).ok)
    clock += 10 * 60 * 1000
    await keeper.sweep()
    assert.ok(keeper.status(infoHash, secret).ok, 'still waiting at 10 minutes')
    clock += 1
    await keeper.sweep()
    const status = keeper.status(infoHash, secret)
    assert.equal(!status.ok && status.refusal.reason, 'sender-left')
    assert.deepEqual(await filesUnder(join(dir, 'keepers', 'stalled')), [])
  })

  it('refuses what is over its limits, with a reason the app can show', async () => {
    const keeper = await startKeeper({
      dir: join(dir, 'keepers', 'limits'),
      maxBytes: 2 * MiB,
      maxShareBytes: 1.5 * MiB,
      sharesPerAddressPerDay: 1,
    })
    const reasons: string[] = []
    keeper.on('refused', (reason) => reasons.push(reason))
    const { torrent } = await share('limits')
    const ask = (length: number, address = '198.51.100.7') =>
      keeper.keep({ infoHash: torrent.infoHash, length, hours: 1, secret: randomKeeperSecret(), address })

    const tooLarge = await ask(recordOffset(32)) // a sealed stream's length (2 MiB of records), over 1.5 MiB
    assert.equal(!tooLarge.ok && tooLarge.refusal.reason, 'too-large')
    const notPrivate = await ask(torrent.length + 1)
    assert.equal(!notPrivate.ok && notPrivate.refusal.reason, 'not-private')
    assert.ok((await ask(torrent.length)).ok)
    const rate = await ask(torrent.length)
    assert.equal(!rate.ok && rate.refusal.reason, 'forbidden', 'the same share again, without its secret')
    const secondShare = await share('limits-2')
    const again = await keeper.keep({
      infoHash: secondShare.torrent.infoHash,
      length: secondShare.torrent.length,
      hours: 1,
      secret: randomKeeperSecret(),
      address: '198.51.100.7',
    })
    assert.equal(!again.ok && again.refusal.reason, 'rate')
    const full = await keeper.keep({
      infoHash: secondShare.torrent.infoHash,
      length: secondShare.torrent.length,
      hours: 1,
      secret: randomKeeperSecret(),
      address: '198.51.100.8',
    })
    assert.equal(!full.ok && full.refusal.reason, 'full')
    assert.match(!full.ok ? full.refusal.error : '', /The server is full .*stays available while this tab is open/)
    assert.deepEqual(reasons, ['too-large', 'not-private', 'forbidden', 'rate', 'full'])
  })

  it('refuses a public torrent at its metadata, before a piece of it is on disk', async () => {
    const keeper = await startKeeper({ dir: join(dir, 'keepers', 'public') })
    await writeFile(join(dir, 'public.txt'), `${MARKER} public\n`.repeat(20_000))
    const sender = node()
    const torrent = await sender.seed([join(dir, 'public.txt')])
    const secret = randomKeeperSecret()
    // A length a private share could have: the keeper learns the truth only from the metadata.
    const asked = await keeper.keep({
      infoHash: torrent.infoHash,
      length: recordOffset(16),
      hours: 1,
      secret,
      address: '203.0.113.1',
    })
    assert.ok(asked.ok)
    const refused = await until('the refusal', () => {
      const status = keeper.status(torrent.infoHash, secret)
      return !status.ok && status.refusal.reason === 'not-private' ? status : null
    })
    assert.match(refused.refusal.error, /private shares only/)
    const stored = await filesUnder(join(dir, 'keepers', 'public')).catch(() => [])
    assert.ok(!stored.some((bytes) => bytes.includes(MARKER)))
  })
})
