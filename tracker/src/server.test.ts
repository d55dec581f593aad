import assert from 'node:assert/strict'
import { createServer, get as httpGet } from 'node:http'
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib'
import dgram from 'node:dgram'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import WebSocket from 'ws'
import { localServerConfig as testConfig } from './config.js'
import { KeeperLink } from './keeper-link.js'
import { SwarmdropServer } from './server.js'
import { eventually } from '../../tests/support/wait.js'

const BIG_SCRIPT = 'console.log("precompressed")\n'.repeat(100)

const INFO_HASH = 'c0ffee0000000000000000000000000000000000'

describe('SwarmdropServer', () => {
  let server: SwarmdropServer
  let base: string
  let port: number
  let webRoot: string
  const warnings: Error[] = []

  before(async () => {
    webRoot = await mkdtemp(join(tmpdir(), 'swarmdrop-web-'))
    await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>Swarmdrop</title>')
    await mkdir(join(webRoot, 'assets'))
    await writeFile(join(webRoot, 'assets', 'app-123.js'), 'console.log(1)')
    // As the build writes them: a copy of each text file compressed each way (sirv lists the files once, at start).
    await writeFile(join(webRoot, 'assets', 'big-456.js'), BIG_SCRIPT)
    await writeFile(join(webRoot, 'assets', 'big-456.js.br'), brotliCompressSync(BIG_SCRIPT))
    await writeFile(join(webRoot, 'assets', 'big-456.js.gz'), gzipSync(BIG_SCRIPT))
    server = new SwarmdropServer(testConfig({ webRoot, extraTrackers: ['wss://t.example/announce'] }))
    server.on('warning', (err: Error) => warnings.push(err))
    port = (await server.listen()).port
    base = `http://127.0.0.1:${port}`
  })

  after(async () => {
    await server.close()
    await rm(webRoot, { recursive: true, force: true })
  })

  it('passes keeper requests on to the keeper, for its own pages only, and says when there is none', async () => {
    assert.deepEqual(await (await fetch(`${base}/api/keeper`)).json(), { enabled: false })
    const keeperDir = await mkdtemp(join(tmpdir(), 'swarmdrop-keeper-link-'))
    const socketPath = join(keeperDir, 'keeper.sock')
    const settings = {
      dir: keeperDir,
      maxBytes: 1,
      maxShareBytes: 1,
      maxHours: 1,
      sharesPerAddressPerDay: 1,
      allowPublic: false,
    }
    const withKeeper = new SwarmdropServer(testConfig({ webRoot, keeper: settings }))
    withKeeper.keeper = new KeeperLink(socketPath)
    const keeperBase = `http://127.0.0.1:${(await withKeeper.listen()).port}`
    const seen: Array<{ method?: string; url?: string; forwarded?: string; authorization?: string; body: string }> = []
    const fake = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += String(chunk)))
      req.on('end', () => {
        seen.push({
          method: req.method,
          url: req.url,
          forwarded: req.headers['x-forwarded-for'] as string,
          authorization: req.headers.authorization,
          body,
        })
        res.writeHead(403).end('{"reason":"forbidden","error":"no"}')
      })
    })
    try {
      // The keeper not up yet: unavailable, not an error page.
      const down = await fetch(`${keeperBase}/api/kept/${INFO_HASH}`)
      assert.equal(down.status, 503)
      assert.equal(((await down.json()) as { reason: string }).reason, 'off')

      await new Promise<void>((resolve) => fake.listen(socketPath, resolve))
      const put = await fetch(`${keeperBase}/api/kept/${INFO_HASH}`, {
        method: 'PUT',
        headers: { Authorization: 'Bearer s3cret', Origin: keeperBase },
        body: '{"length":1,"hours":1}',
      })
      assert.equal(put.status, 403)
      assert.deepEqual(await put.json(), { reason: 'forbidden', error: 'no' })
      assert.deepEqual(seen, [
        {
          method: 'PUT',
          url: `/api/kept/${INFO_HASH}`,
          forwarded: '127.0.0.1',
          authorization: 'Bearer s3cret',
          body: '{"length":1,"hours":1}',
        },
      ])
      const foreign = await fetch(`${keeperBase}/api/kept/${INFO_HASH}`, {
        method: 'DELETE',
        headers: { Origin: 'https://evil.example' },
      })
      assert.equal(foreign.status, 403)
      assert.equal(seen.length, 1, 'a foreign page never reaches the keeper')
    } finally {
      fake.close()
      await withKeeper.close()
      await rm(keeperDir, { recursive: true, force: true })
    }
  })

  it('refuses to start without a built web app', () => {
    assert.throws(() => new SwarmdropServer(testConfig({ webRoot: '/nonexistent' })), /npm run build/)
  })

  it('serves the app, with the SPA fallback and cache headers', async () => {
    const index = await fetch(`${base}/`)
    assert.equal(index.status, 200)
    assert.equal(index.headers.get('cache-control'), 'no-cache')
    assert.equal(index.headers.get('x-content-type-options'), 'nosniff')
    assert.equal(index.headers.get('referrer-policy'), 'no-referrer')
    const csp = index.headers.get('content-security-policy') ?? ''
    assert.match(csp, /script-src 'self'(;|$)/)
    assert.match(csp, /frame-ancestors 'none'/)
    assert.match(csp, /connect-src 'self' wss:/)
    assert.match(await index.text(), /Swarmdrop/)
    const asset = await fetch(`${base}/assets/app-123.js`)
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/)
    assert.match(await (await fetch(`${base}/some/client/route`)).text(), /Swarmdrop/)
    // A stream URL the service worker did not answer must fail as media, not return the app's HTML.
    assert.equal((await fetch(`${base}/webtorrent/${INFO_HASH}/video.webm`)).status, 404)
  })

  it("sends the build's brotli or gzip copy of a file to a browser that accepts it, and the file itself otherwise", async () => {
    const get = (acceptEncoding: string) =>
      new Promise<{ encoding?: string; vary?: string; body: Buffer }>((resolve, reject) => {
        // fetch() would decompress and hide the encoding: a plain request shows what was sent.
        httpGet(`${base}/assets/big-456.js`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () =>
            resolve({
              encoding: res.headers['content-encoding'],
              vary: res.headers.vary,
              body: Buffer.concat(chunks),
            }),
          )
        }).on('error', reject)
      })
    const brotli = await get('gzip, deflate, br')
    assert.equal(brotli.encoding, 'br')
    assert.equal(brotli.vary, 'Accept-Encoding')
    assert.equal(brotliDecompressSync(brotli.body).toString(), BIG_SCRIPT)
    const gzip = await get('gzip')
    assert.equal(gzip.encoding, 'gzip')
    assert.equal(gunzipSync(gzip.body).toString(), BIG_SCRIPT)
    const plain = await get('identity')
    assert.equal(plain.encoding, undefined)
    assert.equal(plain.body.toString(), BIG_SCRIPT)
  })

  it('sends files shared to the app before its service worker runs back to the app, with a message', async () => {
    const shared = await fetch(`${base}/share-target`, { method: 'POST', body: new FormData(), redirect: 'manual' })
    assert.equal(shared.status, 303)
    assert.equal(shared.headers.get('location'), '/?shared=failed')
  })

  it('never serves files outside the web root', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd']) {
      const body = await (await fetch(base + path)).text()
      assert.doesNotMatch(body, /root:|"name"/, path)
    }
  })

  it('answers /healthz, /stats and /api/config as JSON', async () => {
    assert.equal(((await (await fetch(`${base}/healthz`)).json()) as { status: string }).status, 'ok')
    assert.deepEqual(await (await fetch(`${base}/stats`)).json(), { swarms: 0, peers: 0, seeders: 0, leechers: 0 })
    assert.deepEqual(await (await fetch(`${base}/api/config`)).json(), { extraTrackers: ['wss://t.example/announce'] })
  })

  it('answers a malformed HTTP announce with a failure reason, not a crash', async () => {
    const response = await fetch(`${base}/announce?info_hash=short&peer_id=x&port=abc`)
    assert.match(await response.text(), /failure reason/)
    assert.equal((await fetch(`${base}/healthz`)).status, 200)
  })

  it('runs the WebSocket tracker on /announce and counts swarms', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/announce`)
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    socket.send('{not json')
    socket.send(JSON.stringify({ action: 'announce', info_hash: 'x' }))
    const hexToBinary = (hex: string) => Buffer.from(hex, 'hex').toString('binary')
    socket.send(
      JSON.stringify({
        action: 'announce',
        info_hash: hexToBinary(INFO_HASH),
        peer_id: hexToBinary('2d5757303130302d' + '00'.repeat(12)),
        numwant: 0,
        left: 100,
        event: 'started',
        offers: [],
      }),
    )
    const reply = await new Promise<Record<string, unknown>>((resolve) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as Record<string, unknown>
        if (message.action === 'announce' && 'complete' in message) resolve(message)
      })
    })
    assert.equal(reply.incomplete, 1)
    assert.deepEqual(await (await fetch(`${base}/stats`)).json(), { swarms: 1, peers: 1, seeders: 0, leechers: 1 })
    socket.close()
  })

  it('refuses hostile WebSocket messages with a reason, counts them, and keeps serving well-behaved peers', async () => {
    const hostile = new WebSocket(`ws://127.0.0.1:${port}/announce`)
    await new Promise((resolve, reject) => hostile.once('open', resolve).once('error', reject))
    const failures: string[] = []
    hostile.on('message', (data) =>
      failures.push(String((JSON.parse(String(data)) as Record<string, unknown>)['failure reason'])),
    )
    const id = (char: string) => char.repeat(20)
    hostile.send(
      JSON.stringify({
        action: 'announce',
        info_hash: id('h'),
        peer_id: id('p'),
        offers: Array.from({ length: 50 }, () => ({ offer: { type: 'offer', sdp: 'x' }, offer_id: id('o') })),
      }),
    )
    hostile.send(
      JSON.stringify({
        action: 'announce',
        info_hash: id('h'),
        peer_id: id('p'),
        answer: { type: 'answer', sdp: 'x'.repeat(100_000) },
        offer_id: id('o'),
        to_peer_id: id('t'),
      }),
    )
    // Fuzz: mutated and random messages, more than one socket may send before it is closed.
    const closed = new Promise<number>((resolve) => hostile.once('close', (code) => resolve(code)))
    for (let i = 0; i < 200 && hostile.readyState === WebSocket.OPEN; i++)
      hostile.send(Buffer.from(Array.from({ length: 40 }, () => Math.floor(Math.random() * 256))))
    assert.equal(await closed, 1008)
    assert.match(failures[0] ?? '', /At most 10 offers/)
    assert.match(failures[1] ?? '', /at most 16 KiB/)

    // A peer announcing `left: null` is a leecher, not a seeder.
    const polite = new WebSocket(`ws://127.0.0.1:${port}/announce`)
    await new Promise((resolve, reject) => polite.once('open', resolve).once('error', reject))
    const hexToBinary = (hex: string) => Buffer.from(hex, 'hex').toString('binary')
    const reply = new Promise<Record<string, unknown>>((resolve) =>
      polite.on('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)),
    )
    polite.send(
      JSON.stringify({
        action: 'announce',
        info_hash: hexToBinary('ab'.repeat(20)),
        peer_id: hexToBinary('cd'.repeat(20)),
        left: null,
        numwant: 0,
        event: 'started',
        offers: [],
      }),
    )
    const answer = await reply
    assert.equal(answer.complete, 0)
    assert.equal(answer.incomplete, 1)
    polite.close()

    const metrics = await (await fetch(`${base}/metrics`)).text()
    assert.match(metrics, /swarmdrop_tracker_rejections_total\{reason="too-many-offers"\} 1/)
    assert.match(metrics, /swarmdrop_tracker_rejections_total\{reason="bad-answer"\} 1/)
    assert.match(metrics, /swarmdrop_tracker_rejections_total\{reason="too-many-invalid"\} 1/)
    assert.match(metrics, /swarmdrop_tracker_websockets \d/)
    assert.match(metrics, /swarmdrop_tracker_nodejs_eventloop_lag_seconds/)
    assert.equal((await fetch(`${base}/healthz`)).status, 200)
  })

  it('hands TURN credentials only to its own pages and allowed origins, rate limited per address', async () => {
    const turned = new SwarmdropServer(
      testConfig({
        webRoot,
        allowedOrigins: ['https://friend.example'],
        rtcConfigPerMinute: 3,
        turn: { urls: ['turn:{host}:3478'], secret: 's', ttlS: 60 },
      }),
    )
    const { port: turnedPort } = await turned.listen()
    const url = `http://127.0.0.1:${turnedPort}/api/rtc-config`
    assert.equal((await fetch(url, { headers: { Origin: 'https://evil.example' } })).status, 403)
    assert.equal((await fetch(url, { headers: { Origin: `http://127.0.0.1:${turnedPort}` } })).status, 200)
    assert.equal((await fetch(url, { headers: { Origin: 'https://friend.example' } })).status, 200)
    assert.equal((await fetch(url)).status, 200)
    const limited = await fetch(url)
    assert.equal(limited.status, 429)
    assert.equal(limited.headers.get('retry-after'), '60')

    // With ALLOWED_ORIGINS set, other pages cannot open the WebSocket tracker either.
    const foreign = new WebSocket(`ws://127.0.0.1:${turnedPort}/announce`, {
      headers: { Origin: 'https://evil.example' },
    })
    assert.match((await new Promise<Error>((resolve) => foreign.once('error', resolve))).message, /403/)
    const friend = new WebSocket(`ws://127.0.0.1:${turnedPort}/announce`, {
      headers: { Origin: 'https://friend.example' },
    })
    await new Promise((resolve, reject) => friend.once('open', resolve).once('error', reject))
    friend.close()
    assert.match(
      await (await fetch(`http://127.0.0.1:${turnedPort}/metrics`)).text(),
      /rejections_total\{reason="rtc-config-rate"\} 1/,
    )
    await turned.close()
  })

  it('refuses WebSocket upgrades on other paths', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`)
    const error = await new Promise<Error>((resolve) => socket.once('error', resolve))
    assert.match(error.message, /404/)
  })

  it('survives garbage on the UDP tracker port', async () => {
    const udp = dgram.createSocket('udp4')
    await new Promise<void>((resolve) => udp.send(Buffer.from('garbage'), port, '127.0.0.1', () => resolve()))
    udp.close()
    await eventually(() => warnings.length > 0, 'bad input reported as a warning')
    assert.equal((await fetch(`${base}/healthz`)).status, 200)
  })

  it('stores a UDP announce that fills BEP 15’s IP field by the address its packet came from', async () => {
    const infoHash = Buffer.from('bb'.repeat(20), 'hex')
    /** One BEP 15 client: connect, then announce; resolves with the peers (ip:port) in the reply. */
    async function announce(peerPort: number, announcedIp: number[]): Promise<string[]> {
      const udp = dgram.createSocket('udp4')
      const request = (packet: Buffer) =>
        new Promise<Buffer>((resolve) => {
          udp.once('message', resolve)
          udp.send(packet, port, '127.0.0.1')
        })
      const connect = Buffer.alloc(16)
      connect.writeBigUInt64BE(0x41727101980n, 0)
      connect.writeUInt32BE(0, 8)
      connect.writeUInt32BE(7, 12)
      const connected = await request(connect)
      const packet = Buffer.alloc(98)
      connected.copy(packet, 0, 8, 16) // connection id
      packet.writeUInt32BE(1, 8) // announce
      packet.writeUInt32BE(8, 12)
      infoHash.copy(packet, 16)
      Buffer.from(`-RT0980-${String(peerPort).padStart(12, '0')}`).copy(packet, 36)
      packet.writeBigUInt64BE(1000n, 64) // left
      packet.writeUInt32BE(2, 80) // started
      Buffer.from(announcedIp).copy(packet, 84)
      packet.writeInt32BE(-1, 92) // num_want: default
      packet.writeUInt16BE(peerPort, 96)
      const reply = await request(packet)
      udp.close()
      const peers: string[] = []
      for (let offset = 20; offset + 6 <= reply.length; offset += 6)
        peers.push(`${[...reply.subarray(offset, offset + 4)].join('.')}:${reply.readUInt16BE(offset + 4)}`)
      return peers
    }
    await announce(6881, [10, 1, 2, 3]) // rTorrent with network.local_address, say
    assert.deepEqual(await announce(6882, [0, 0, 0, 0]), ['127.0.0.1:6881'])
  })

  it('closes idempotently', async () => {
    const extra = new SwarmdropServer(testConfig({ webRoot }))
    await extra.listen()
    await extra.close()
    await extra.close()
  })
})
