import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { Redis } from 'ioredis'
import { RedisServer } from '../../../tests/support/redis-server.js'
import { randomId, TrackerPeer } from '../../../tests/support/tracker-peer.js'
import { eventually, sleep } from '../../../tests/support/wait.js'
import { localServerConfig } from '../config.js'
import { SwarmdropServer } from '../server.js'

describe('tracker instances sharing swarms through Redis', () => {
  let webRoot: string
  let redis: RedisServer
  const servers: SwarmdropServer[] = []

  before(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'swarmdrop-web-'))
    await writeFile(join(webRoot, 'index.html'), '<!doctype html>')
    redis = await RedisServer.start()
  })

  after(async () => {
    await Promise.all(servers.map((server) => server.close()))
    await redis.stop()
    await rm(webRoot, { recursive: true, force: true })
  })

  async function instance(): Promise<{ server: SwarmdropServer; url: string }> {
    const server = new SwarmdropServer(localServerConfig({ webRoot, redisUrl: redis.url }))
    servers.push(server)
    const { port } = await server.listen()
    await eventually(() => server.redisState() === 'up', 'Redis')
    return { server, url: `ws://127.0.0.1:${port}/announce` }
  }

  it('starts without Redis and serves its own peers until Redis appears', async () => {
    const server = new SwarmdropServer(localServerConfig({ webRoot, redisUrl: 'redis://127.0.0.1:1' }))
    servers.push(server)
    const { port } = await server.listen()
    assert.equal(server.redisState(), 'down')
    const infoHash = randomId()
    const [seeder, leecher] = await Promise.all([
      TrackerPeer.connect(`ws://127.0.0.1:${port}/announce`),
      TrackerPeer.connect(`ws://127.0.0.1:${port}/announce`),
    ])
    await seeder.announce(infoHash, { left: 0 })
    assert.equal((await leecher.announce(infoHash, { offers: 1 })).complete, 1)
    await eventually(() => seeder.offers.length === 1, 'a local offer')
    await Promise.all([seeder.close(), leecher.close()])
  })

  it('answers from its own peers when Redis hangs, after a short timeout', async () => {
    const { url } = await instance()
    const infoHash = randomId()
    const [seeder, leecher] = await Promise.all([TrackerPeer.connect(url), TrackerPeer.connect(url)])
    await seeder.announce(infoHash, { left: 0 })
    redis.freeze(true)
    try {
      const startedMs = Date.now()
      assert.equal((await leecher.announce(infoHash, { offers: 1 })).complete, 1)
      assert.ok(Date.now() - startedMs < 2_000, 'the announce did not wait for Redis')
      await eventually(() => seeder.offers.length === 1, 'a local offer while Redis hangs')
    } finally {
      redis.freeze(false)
    }
    await Promise.all([seeder.close(), leecher.close()])
  })

  it('introduces peers on different instances: counts, offers and answers cross over', async () => {
    const [one, two] = [await instance(), await instance()]
    const infoHash = randomId()
    const alice = await TrackerPeer.connect(one.url)
    const bob = await TrackerPeer.connect(two.url)
    await alice.announce(infoHash, { left: 0, event: 'started' })
    const reply = await bob.announce(infoHash, { offers: 5, event: 'started' })
    assert.deepEqual([reply.complete, reply.incomplete], [1, 1])
    await eventually(() => alice.offers.length === 1, "Bob's offer on Alice's instance")
    alice.answer(alice.offers[0]!)
    await eventually(() => bob.answers.length === 1, "Alice's answer on Bob's instance")
    assert.equal(bob.answers[0]!.peer_id, alice.peerId)
    assert.match(
      await (await fetch(one.url.replace('ws:', 'http:').replace('/announce', '/healthz'))).text(),
      /"redis":"up"/,
    )
    await Promise.all([alice.close(), bob.close()])
  })

  it('keeps a peer ID with its open connection across instances; after it closes, the ID works anywhere', async () => {
    const [one, two] = [await instance(), await instance()]
    const infoHash = randomId()
    const alice = await TrackerPeer.connect(one.url)
    await alice.announce(infoHash, { left: 0 })
    const mallory = await TrackerPeer.connect(two.url, { peerId: alice.peerId })
    mallory.send({ action: 'announce', info_hash: infoHash, peer_id: alice.peerId, numwant: 0, left: 0, offers: [] })
    await eventually(
      () => mallory.failures.some((reason) => /in use by another open connection/.test(reason)),
      'the refusal on the other instance',
    )
    const bob = await TrackerPeer.connect(two.url)
    await bob.announce(infoHash, { offers: 2 })
    await eventually(() => alice.offers.length === 1, 'the offer reaching Alice on her instance')
    assert.equal(mallory.offers.length, 0)

    await alice.close()
    await sleep(200)
    const again = await TrackerPeer.connect(two.url, { peerId: alice.peerId })
    assert.equal((await again.announce(infoHash, { left: 0 })).complete, 1)
    await Promise.all([again.close(), bob.close(), mallory.close()])
  })

  it('lets a client hand its peer ID over to a connection on another instance', async () => {
    const [one, two] = [await instance(), await instance()]
    const infoHash = randomId()
    const old = await TrackerPeer.connect(one.url)
    await old.announce(infoHash, { left: 0 })
    const handover = await TrackerPeer.connect(two.url, { peerId: old.peerId })
    const reply = handover.announce(infoHash, { left: 0 })
    await sleep(300)
    await old.close()
    assert.equal((await reply).complete, 1)
    assert.deepEqual(handover.failures, [])
    await handover.close()
  })

  it('an instance dies: its peers re-announce elsewhere and are found again', async () => {
    const [one, two] = [await instance(), await instance()]
    const infoHash = randomId()
    const seederId = randomId()
    let seeder = await TrackerPeer.connect(one.url, { peerId: seederId })
    await seeder.announce(infoHash, { left: 0, event: 'started' })
    // A crash: Redis never hears that the seeder left instance one, and its last heartbeat lingers.
    const deadId = one.server.directory!.instanceId
    await one.server.directory!.destroy()
    await one.server.close()
    await eventually(() => !seeder.open, 'the dead instance to drop the seeder')
    const lingering = new Redis(redis.url)
    await lingering.set(`swarmdrop:alive:${deadId}`, '1', 'PX', 3_000)
    lingering.disconnect()

    // The seeder's client reconnects elsewhere with its ID: answered once the dead instance's heartbeat is gone.
    seeder = await TrackerPeer.connect(two.url, { peerId: seederId })
    const startedMs = Date.now()
    assert.equal((await seeder.announce(infoHash, { left: 0, event: 'started' })).complete, 1)
    assert.ok(Date.now() - startedMs >= 2_000, 'the announce waited for the heartbeat to lapse')
    assert.equal(seeder.failures.length, 0)
    const newcomer = await TrackerPeer.connect(two.url)
    await newcomer.announce(infoHash, { offers: 3, event: 'started' })
    await eventually(() => seeder.offers.length === 1, 'the offer to reach the seeder on its new instance')
    await Promise.all([seeder.close(), newcomer.close()])
  })

  it('survives Redis restarting: serves its own peers meanwhile, and swarms come back', async () => {
    const [one, two] = [await instance(), await instance()]
    const infoHash = randomId()
    const seeder = await TrackerPeer.connect(one.url)
    await seeder.announce(infoHash, { left: 0, event: 'started' })

    await redis.stop()
    await eventually(() => one.server.redisState() === 'down', 'Redis to be seen down')
    assert.match(
      await (await fetch(one.url.replace('ws:', 'http:').replace('/announce', '/metrics'))).text(),
      /swarmdrop_tracker_redis_up 0/,
    )
    // Peers on the same instance still find each other.
    const local = await TrackerPeer.connect(one.url)
    const reply = await local.announce(infoHash, { offers: 2 })
    assert.equal(reply.complete, 1)
    await eventually(() => seeder.offers.length === 1, 'a local offer without Redis')

    // Redis comes back empty; instances re-register their peers and cross-instance discovery works again.
    redis = await RedisServer.start(redis.port)
    await eventually(() => one.server.redisState() === 'up' && two.server.redisState() === 'up', 'Redis back', 15_000)
    await sleep(200)
    const remote = await TrackerPeer.connect(two.url)
    const seen = await remote.announce(infoHash, { offers: 5 })
    assert.equal(seen.complete, 1)
    await eventually(
      () => seeder.offers.some((offer) => offer.peer_id === remote.peerId),
      'the offer across instances after the restart',
    )
    await Promise.all([seeder.close(), local.close(), remote.close()])
  })
})
