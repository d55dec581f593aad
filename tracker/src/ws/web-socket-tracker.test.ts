import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { once } from 'node:events'
import { connect } from 'node:net'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import WebSocket from 'ws'
import { randomId, TrackerPeer } from '../../../tests/support/tracker-peer.js'
import { eventually, sleep } from '../../../tests/support/wait.js'
import { localServerConfig } from '../config.js'
import { SwarmdropServer } from '../server.js'
import type { TrackerLimits } from './limits.js'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void
/** Live heap after a full collection: what the server really holds. */
const liveHeapBytes = () => {
  collectGarbage()
  return process.memoryUsage().heapUsed
}

describe('WebSocket tracker', () => {
  let webRoot: string
  const servers: SwarmdropServer[] = []

  before(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'swarmdrop-web-'))
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Swarmdrop</title>')
  })

  after(async () => {
    await Promise.all(servers.map((server) => server.close()))
    await rm(webRoot, { recursive: true, force: true })
  })

  async function start(
    limits: Partial<TrackerLimits> = {},
  ): Promise<{ server: SwarmdropServer; url: string; base: string }> {
    const base = localServerConfig({ webRoot })
    const server = new SwarmdropServer({ ...base, limits: { ...base.limits, ...limits } })
    servers.push(server)
    const { port } = await server.listen()
    return { server, url: `ws://127.0.0.1:${port}/announce`, base: `http://127.0.0.1:${port}` }
  }

  const metric = async (base: string, reason: string) => {
    const match = new RegExp(`rejections_total\\{reason="${reason}"\\} (\\d+)`).exec(
      await (await fetch(`${base}/metrics`)).text(),
    )
    return Number(match?.[1] ?? 0)
  }

  it('relays offers to other peers of the swarm and their answers back to the offerer', async () => {
    const { url, server } = await start()
    const infoHash = randomId()
    const [seeder, leecher] = await Promise.all([TrackerPeer.connect(url), TrackerPeer.connect(url)])
    const first = await seeder.announce(infoHash, { left: 0, event: 'started' })
    assert.deepEqual([first.complete, first.incomplete, first.interval], [1, 0, 12])
    const second = await leecher.announce(infoHash, { offers: 5, event: 'started' })
    assert.deepEqual([second.complete, second.incomplete], [1, 1])
    // One other peer: one of the five offers reaches it.
    await eventually(() => seeder.offers.length === 1, 'the offer')
    const offer = seeder.offers[0]!
    assert.equal(offer.peer_id, leecher.peerId)
    seeder.answer(offer)
    await eventually(() => leecher.answers.length === 1, 'the answer')
    assert.equal(leecher.answers[0]!.offer_id, offer.offer_id)
    assert.equal(leecher.answers[0]!.peer_id, seeder.peerId)

    // Scrape, and stop.
    leecher.send({ action: 'scrape', info_hash: [infoHash] })
    const stopped = await leecher.announce(infoHash, { event: 'stopped' })
    assert.deepEqual([stopped.complete, stopped.incomplete], [1, 0])
    await seeder.close()
    await eventually(() => server.stats().swarms === 0, 'the empty swarm to be forgotten')
    await leecher.close()
  })

  it('refuses answers to offers it never relayed, and spoofed stops', async () => {
    const { url, base, server } = await start()
    const infoHash = randomId()
    const [alice, mallory] = await Promise.all([TrackerPeer.connect(url), TrackerPeer.connect(url)])
    await alice.announce(infoHash, { event: 'started' })
    await mallory.announce(infoHash, { event: 'started' })
    // An answer nobody asked for, aimed at Alice.
    mallory.answer({ info_hash: infoHash, peer_id: alice.peerId, offer_id: randomId() })
    await eventually(() => mallory.failures.some((reason) => /never sent/.test(reason)), 'the refusal')
    assert.equal(alice.answers.length, 0)
    assert.equal(await metric(base, 'unsolicited-answer'), 1)
    // A stop in Alice's name from another socket does not remove her.
    mallory.send({ action: 'announce', info_hash: infoHash, peer_id: alice.peerId, event: 'stopped' })
    await eventually(() => mallory.failures.length === 2, 'the stop refused')
    assert.equal(server.stats().peers, 2)
    await Promise.all([alice.close(), mallory.close()])
  })

  it('keeps a peer ID with the open connection that announced it; a reconnect after it closed works', async () => {
    const { url, base, server } = await start()
    const infoHash = randomId()
    const [alice, bob] = await Promise.all([TrackerPeer.connect(url), TrackerPeer.connect(url)])
    await alice.announce(infoHash, { left: 0 })
    const mallory = await TrackerPeer.connect(url, { peerId: alice.peerId })
    // Mallory announces as Alice: refused, and offers for Alice still go to Alice.
    mallory.send({ action: 'announce', info_hash: infoHash, peer_id: alice.peerId, numwant: 0, left: 0, offers: [] })
    await eventually(
      () => mallory.failures.some((reason) => /in use by another open connection/.test(reason)),
      'the refusal',
    )
    await bob.announce(infoHash, { offers: 1 })
    await eventually(() => alice.offers.length === 1, 'the offer reaching Alice')
    assert.equal(mallory.offers.length, 0)
    // A stop in Alice's name is refused too, and Alice stays.
    mallory.send({ action: 'announce', info_hash: infoHash, peer_id: alice.peerId, event: 'stopped' })
    await eventually(() => mallory.failures.length === 2, 'both refusals')
    assert.equal(await metric(base, 'peer-id-taken'), 2)
    assert.equal(server.stats().peers, 2)

    // Alice's connection closes; her client reconnects with the same ID and is a peer again.
    await alice.close()
    await eventually(() => server.stats().peers === 1, 'Alice to leave')
    const again = await TrackerPeer.connect(url, { peerId: alice.peerId })
    assert.equal((await again.announce(infoHash, { left: 0 })).complete, 1)
    await bob.announce(infoHash, { offers: 1 })
    await eventually(() => again.offers.length === 1, 'the offer reaching the reconnected Alice')
    await Promise.all([again.close(), bob.close(), mallory.close()])
  })

  it('lets a client hand its peer ID over to a new connection while it closes the old one', async () => {
    const { url } = await start()
    const infoHash = randomId()
    const [old, bob] = await Promise.all([TrackerPeer.connect(url), TrackerPeer.connect(url)])
    await old.announce(infoHash, { left: 0 })
    // bittorrent-tracker's client opens the new socket first and closes the old one up to a second later.
    const handover = await TrackerPeer.connect(url, { peerId: old.peerId })
    const reply = handover.announce(infoHash, { left: 0 })
    await sleep(300)
    await old.close()
    assert.equal((await reply).complete, 1)
    assert.deepEqual(handover.failures, [])
    await bob.announce(infoHash, { offers: 1 })
    await eventually(() => handover.offers.length === 1, 'the offer reaching the new connection')
    await Promise.all([handover.close(), bob.close()])
  })

  it('under load, answers every announce and delivers every offer (300 peers, 60 swarms)', async () => {
    const { url, server } = await start()
    const swarms = Array.from({ length: 60 }, randomId)
    const peers = await Promise.all(Array.from({ length: 300 }, () => TrackerPeer.connect(url)))
    const swarmOf = (index: number) => swarms[index % swarms.length]!
    const started = await Promise.all(
      peers.map((peer, i) => peer.announce(swarmOf(i), { event: 'started', left: i < swarms.length ? 0 : 1000 })),
    )
    assert.equal(started.length, 300)
    assert.deepEqual(server.stats(), { swarms: 60, peers: 300, seeders: 60, leechers: 240 })

    // Everyone announces again at once with three offers; each swarm has four others to reach.
    const replies = await Promise.all(peers.map((peer, i) => peer.announce(swarmOf(i), { offers: 3 })))
    assert.deepEqual(
      replies.find((reply) => reply.complete !== 1 || reply.incomplete !== 4),
      undefined,
    )
    const received = () => peers.reduce((sum, peer) => sum + peer.offers.length, 0)
    await eventually(() => received() === 900, 'all 900 offers')
    for (const peer of peers)
      for (const offer of peer.offers)
        assert.equal(offer.info_hash, swarmOf(peers.findIndex((p) => p.peerId === offer.peer_id)))

    // Every offer answered reaches its offerer.
    for (const peer of peers) for (const offer of peer.offers) peer.answer(offer)
    await eventually(() => peers.reduce((sum, peer) => sum + peer.answers.length, 0) === 900, 'all 900 answers')
    assert.equal(server.counters.offersRelayed, 900)
    assert.equal(server.counters.answersRelayed, 900)
    await Promise.all(peers.map((peer) => peer.close()))
    await eventually(() => server.stats().peers === 0, 'every peer to leave')
  })

  it('survives a fuzzer on many sockets while serving well-behaved peers, with bounded memory', async () => {
    const { url, base, server } = await start()
    const infoHash = randomId()
    // Valid-looking offers from the fuzzers go to Carol's swarm; hostile answers aim at Alice's.
    const decoy = randomId()
    const [alice, bob, carol] = await Promise.all([
      TrackerPeer.connect(url),
      TrackerPeer.connect(url),
      TrackerPeer.connect(url),
    ])
    await alice.announce(infoHash, { event: 'started', left: 0 })
    await carol.announce(decoy, { event: 'started', left: 0 })
    const heapBefore = liveHeapBytes()

    const valid = JSON.stringify({
      action: 'announce',
      info_hash: decoy,
      peer_id: randomId(),
      offers: [{ offer: { type: 'offer', sdp: 'v=0' }, offer_id: randomId() }],
    })
    const mutate = (text: string) => {
      const chars = text.split('')
      for (let n = 0; n < 3; n++)
        chars[Math.floor(Math.random() * chars.length)] = String.fromCharCode(Math.floor(Math.random() * 256))
      return chars.join('')
    }
    const hostile: Array<() => string | Buffer> = [
      () =>
        Buffer.from(Array.from({ length: 1 + Math.floor(Math.random() * 200) }, () => Math.floor(Math.random() * 256))),
      () => valid.slice(0, Math.floor(Math.random() * valid.length)),
      () => mutate(valid),
      () => JSON.stringify({ action: 'announce', info_hash: 'x'.repeat(100_000), peer_id: randomId() }),
      () => JSON.stringify({ action: 'announce', info_hash: infoHash, peer_id: [1, 2], offers: { length: 1e9 } }),
      () =>
        JSON.stringify({
          action: 'announce',
          info_hash: decoy,
          peer_id: randomId(),
          offers: Array.from({ length: 10 }, () => ({
            offer: { type: 'offer', sdp: 'v'.repeat(16_000) },
            offer_id: randomId(),
          })),
        }),
      () =>
        JSON.stringify({
          action: 'announce',
          info_hash: infoHash,
          peer_id: randomId(),
          answer: { type: 'answer', sdp: 'x' },
          offer_id: randomId(),
          to_peer_id: alice.peerId,
        }),
      () => JSON.stringify({ action: 'scrape', info_hash: Array.from({ length: 5000 }, randomId) }),
      () => JSON.stringify({ action: 'announce', info_hash: randomId(), peer_id: randomId(), event: 'started' }),
      () => '{"action":"announce","__proto__":{"polluted":true},"info_hash":1}',
      () => 'x'.repeat(300_000),
    ]
    let sent = 0
    let fuzzers = 0
    const fuzz = async () => {
      fuzzers++
      const socket = new WebSocket(url)
      socket.on('error', () => {})
      socket.on('message', () => {})
      await new Promise((resolve) => socket.once('open', resolve).once('error', resolve))
      for (let n = 0; n < 40 && socket.readyState === WebSocket.OPEN; n++) {
        socket.send(hostile[Math.floor(Math.random() * hostile.length)]!())
        sent++
      }
      // Give the tracker time to close it for its 20 invalid messages, then go away regardless.
      await new Promise((resolve) => socket.once('close', resolve) && setTimeout(resolve, 200))
      socket.terminate()
    }
    // Fuzzers are closed after 20 bad messages (or one oversized one): keep replacing them.
    const fuzzing = (async () => {
      while (sent < 5_000) await Promise.all(Array.from({ length: 10 }, fuzz))
    })()

    // Meanwhile, Bob still finds Alice, and her answer still reaches him, over and over.
    for (let round = 1; round <= 10; round++) {
      await bob.announce(infoHash, { offers: 1 })
      await eventually(() => alice.offers.length >= round, 'the offer during fuzzing')
      alice.answer(alice.offers.at(-1)!)
      await eventually(() => bob.answers.length >= round, 'the answer during fuzzing')
    }
    await fuzzing
    assert.ok(sent >= 5_000 && fuzzers > 50, `${sent} messages over ${fuzzers} sockets`)
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    const closedForInvalid = await metric(base, 'too-many-invalid')
    assert.ok(closedForInvalid > 0, `${closedForInvalid} sockets closed for invalid messages`)
    assert.equal((await fetch(`${base}/healthz`)).status, 200)
    // Hostile sockets left no peers behind (the fuzzers' valid-looking announces went with their sockets).
    await eventually(() => server.webSocketTracker.socketCount === 3, 'the fuzzers to be gone')
    assert.equal(server.stats().peers, 3)
    assert.ok(carol.offers.length > 0, 'valid-looking offers were relayed')
    const heapGrowthMiB = (liveHeapBytes() - heapBefore) / 2 ** 20
    assert.ok(heapGrowthMiB < 8, `live heap grew ${heapGrowthMiB.toFixed(1)} MiB`)
    await Promise.all([alice.close(), bob.close(), carol.close()])
  })

  it('rate limits announces and offers per socket, and sockets and connections per address', async () => {
    const { url, base } = await start({
      announcesPerSocketPerMinute: 5,
      offersPerSocketPerMinute: 12,
      socketsPerIp: 3,
      connectionsPerIpPerMinute: 4,
    })
    const infoHash = randomId()
    const peer = await TrackerPeer.connect(url)
    const replies = []
    for (let i = 0; i < 6; i++) replies.push(await peer.announce(infoHash, { offers: i < 3 ? 5 : 0 }))
    // The third announce's offers would make 15 in the minute: refused; the sixth announce is one too many.
    assert.equal(replies.filter((reply) => reply['failure reason']).length, 2)
    assert.match(String(replies[5]!['failure reason']), /Too many announces/)
    assert.equal(await metric(base, 'announce-rate'), 1)
    // Announces without offers went through after the offer refusal: refusals are not "invalid".
    assert.ok(peer.open)

    const second = await TrackerPeer.connect(url)
    const third = await TrackerPeer.connect(url)
    await assert.rejects(TrackerPeer.connect(url), /429/)
    assert.equal(await metric(base, 'sockets-per-ip'), 1)
    await third.close()
    await sleep(50)
    // A fourth connection in the minute is allowed (3 open before), the fifth is not.
    const fourth = await TrackerPeer.connect(url)
    await fourth.close()
    await sleep(50)
    await assert.rejects(TrackerPeer.connect(url), /429/)
    assert.equal(await metric(base, 'connection-rate'), 1)
    await Promise.all([peer.close(), second.close()])
  })

  it('gives back the per-address slot of an upgrade that fails', async () => {
    const { url, base } = await start({ socketsPerIp: 1 })
    const { port } = new URL(base)
    for (let i = 0; i < 3; i++) {
      const socket = connect(Number(port), '127.0.0.1')
      socket.on('error', () => {})
      socket.resume()
      socket.end(
        'GET /announce HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: bad\r\nSec-WebSocket-Version: 13\r\n\r\n',
      )
      await once(socket, 'close')
    }
    await sleep(50)
    const peer = await TrackerPeer.connect(url)
    await peer.close()
  })

  it('past MAX_CONNECTIONS drops new connections and keeps serving the ones it has', async () => {
    const { url, server } = await start({ maxConnections: 2 })
    const [first, second] = [await TrackerPeer.connect(url), await TrackerPeer.connect(url)]
    await assert.rejects(TrackerPeer.connect(url))
    assert.equal(server.counters.rejections.get('server-full'), 1)
    const infoHash = randomId()
    await first.announce(infoHash, { left: 0 })
    assert.equal((await second.announce(infoHash)).complete, 1)
    await Promise.all([first.close(), second.close()])
  })

  it('closes idle sockets', async () => {
    const { url, base } = await start({ idleTimeoutS: 1 })
    const idle = await TrackerPeer.connect(url)
    const closed = new Promise<number>((resolve) => idle.socket.once('close', resolve))
    assert.equal(await closed, 4000)
    assert.equal(await metric(base, 'idle'), 1)
  })

  it('stops queueing messages for a reader that does not read, instead of buffering without bound', async () => {
    const { url, server } = await start({
      maxBufferedBytesPerSocket: 64 * 1024,
      offersPerSocketPerMinute: 0,
      announcesPerSocketPerMinute: 0,
    })
    const infoHash = randomId()
    const slow = await TrackerPeer.connect(url)
    await slow.announce(infoHash, { event: 'started' })
    ;(slow.socket as unknown as { _socket: { pause(): void } })._socket.pause()
    const flooder = await TrackerPeer.connect(url)
    // ~15 MB of offers: more than the kernel's socket buffers on loopback hold.
    for (let i = 0; i < 20_000; i++) void flooder.announce(infoHash, { offers: 1 })
    await eventually(() => (server.counters.rejections.get('slow-reader') ?? 0) > 0, 'slow-reader drops', 20_000)
    assert.ok(server.counters.offersRelayed < 20_000)
    await Promise.all([flooder.close(), slow.socket.terminate()])
  })

  it('tells clients it is restarting (1012) when it closes', async () => {
    const { url, server } = await start()
    const peer = await TrackerPeer.connect(url)
    const code = new Promise<number>((resolve) => peer.socket.once('close', resolve))
    await server.close()
    assert.equal(await code, 1012)
  })
})
