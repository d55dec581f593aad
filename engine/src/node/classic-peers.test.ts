import assert from 'node:assert/strict'
import { once, type EventEmitter } from 'node:events'
import { connect, createServer, type AddressInfo } from 'node:net'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { networkInterfaces, tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import Wire from 'bittorrent-protocol'
import utMetadata from 'ut_metadata'
import WebTorrent from 'webtorrent'
import { failOnMismatch } from '../check.js'
import { adoptTorrent, type EngineTorrent } from '../torrent.js'
import { CONNECT_TIMEOUT_MS } from './dial.js'
import { adoptClassicPeers } from './index.js'

/*
 * The Node-only workarounds for classic peers, on webtorrent's real Node build, over real TCP and
 * uTP on 127.0.0.1; a classic client's side is played by bittorrent-protocol's Wire on a plain socket.
 */

failOnMismatch(true)

type Torrent = EngineTorrent &
  EventEmitter & {
    infoHash: string
    ready: boolean
    done: boolean
    wires: Array<{ destroy(): void }>
    torrentFile: Uint8Array
    addPeer(addr: string): boolean
    destroy(): void
  }
type Client = EventEmitter & {
  torrentPort: number
  seed(input: Buffer, options: object): Torrent
  add(infoHash: string, options: object): Torrent
  destroy(callback: () => void): void
}
type TestWire = Duplex & {
  handshake(infoHash: string, peerId: string, extensions?: object): void
  bitfield(bitfield: Uint8Array): void
  use(extension: unknown): void
}

const FILE = Object.assign(Buffer.alloc(256 * 1024 * 4, 7), { name: 'classic.bin' })
const PIECE_BYTES = 256 * 1024
const clients: Client[] = []
const folders: string[] = []
const newFolder = async () => {
  const folder = await mkdtemp(join(tmpdir(), 'swarmdrop-classic-'))
  folders.push(folder)
  return folder
}

async function client(options: { utp: boolean }): Promise<Client> {
  const made = new WebTorrent({
    dht: false,
    tracker: false,
    lsd: false,
    utPex: false,
    natUpnp: false,
    natPmp: false,
    torrentPort: 0,
    ...options,
  } as object) as unknown as Client
  clients.push(made)
  if (!made.torrentPort) await once(made, 'listening')
  return made
}

const adopt = (torrent: Torrent) => {
  adoptTorrent(torrent, { runtime: 'node' })
  adoptClassicPeers(torrent)
  return torrent
}

/** A download of `infoHash` with no trackers (peers are added by hand), into a folder of its own. */
async function download(into: Client, infoHash: string, path?: string): Promise<Torrent> {
  path ??= await newFolder()
  const torrent = adopt(into.add(infoHash, { path }))
  if (!torrent.infoHash) await once(torrent, 'infoHash')
  return torrent
}

async function seed(from: Client): Promise<Torrent> {
  const torrent = adopt(from.seed(FILE, { pieceLength: PIECE_BYTES }))
  if (!torrent.ready) await once(torrent, 'ready')
  return torrent
}

/** The torrent's next wire, within webtorrent's time for a dial. */
const wireOf = (torrent: Torrent): Promise<{ type: string }> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no wire within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS)
    torrent.once('wire', (wire: { type: string }) => {
      clearTimeout(timer)
      resolve(wire)
    })
  })

/**
 * A classic client on a plain socket dialling `port` (webtorrent dials with encryption first, which a
 * bare Wire cannot answer): records the messages it gets after the handshake, in order.
 */
async function classicPeer(
  port: number,
  infoHash: string,
  { metadata }: { metadata?: Uint8Array } = {},
): Promise<{ messages: string[]; close(): void }> {
  const messages: string[] = []
  const socket = connect(port, '127.0.0.1')
  socket.on('error', () => {})
  const wire = new Wire() as unknown as TestWire
  if (metadata) wire.use(utMetadata(metadata))
  socket.pipe(wire).pipe(socket)
  for (const name of ['bitfield', 'have', 'have-all', 'have-none', 'extended', 'interested'])
    wire.on(name, (kind: unknown) => messages.push(name === 'extended' ? `extended ${String(kind)}` : name))
  const handshake = new Promise((resolve) => wire.once('handshake', resolve))
  wire.handshake(infoHash, 'cc'.repeat(20), { dht: false })
  await handshake
  if (metadata) wire.bitfield(new Uint8Array([0xf0]))
  return { messages, close: () => socket.destroy() }
}

after(async () => {
  await Promise.all(clients.map((made) => new Promise<void>((resolve) => made.destroy(() => resolve()))))
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })))
})

describe('classic dials (webtorrent Node build)', () => {
  let seeder: Client
  let seeded: Torrent
  before(async () => {
    // A client with no uTP at all, as rTorrent: only TCP answers.
    seeder = await client({ utp: false })
    seeded = await seed(seeder)
  })

  it('reaches a TCP-only peer at the first dial, before a uTP attempt could even time out', async () => {
    const leecher = await download(await client({ utp: true }), seeded.infoHash)
    const startedAt = Date.now()
    const wire = wireOf(leecher)
    leecher.addPeer(`127.0.0.1:${seeder.torrentPort}`)
    assert.equal((await wire).type, 'tcpOutgoing')
    assert.ok(Date.now() - startedAt < CONNECT_TIMEOUT_MS, 'connected before the first uTP timeout')
    if (!leecher.done) await once(leecher, 'done')
    leecher.destroy()
  })

  it('dials an address again only over the path that connected', async () => {
    const leecherClient = await client({ utp: true })
    const utpServer = (leecherClient as unknown as { _utpServer: { connect(...args: unknown[]): unknown } })._utpServer
    const leecher = await download(leecherClient, seeded.infoHash)
    const first = wireOf(leecher)
    leecher.addPeer(`127.0.0.1:${seeder.torrentPort}`)
    await first
    const utpDials: unknown[] = []
    const connect = utpServer.connect.bind(utpServer)
    utpServer.connect = (...args: unknown[]) => (utpDials.push(args), connect(...args))
    // The seeder drops the connection, as rTorrent did; the leecher dials it again.
    const again = wireOf(leecher)
    await waitFor(() => seeded.wires.length > 0)
    for (const wire of [...seeded.wires]) wire.destroy()
    assert.equal((await again).type, 'tcpOutgoing')
    assert.deepEqual(utpDials, [])
    leecher.destroy()
  })

  it('dials a peer that keeps dropping after 1, 5 and 15 s, not every second', async () => {
    // A classic client that answers the handshake and then hangs up, every time.
    let connections = 0
    const server = createServer((socket) => {
      connections += 1
      const wire = new Wire() as unknown as TestWire
      socket.pipe(wire).pipe(socket)
      socket.on('error', () => {})
      wire.once('handshake', () => {
        wire.handshake(seeded.infoHash, 'dd'.repeat(20), { dht: false })
        setTimeout(() => socket.destroy(), 50)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const leecher = await download(await client({ utp: true }), seeded.infoHash)
    try {
      leecher.addPeer(`127.0.0.1:${(server.address() as AddressInfo).port}`)
      await new Promise((resolve) => setTimeout(resolve, 3_500))
      // At 0 s and 1 s; the next would be at 6 s (webtorrent: at 0, 1, 2 and 3 s).
      assert.equal(connections, 2)
    } finally {
      leecher.destroy()
      server.close()
    }
  })

  it('never dials its own address on this machine, whatever the interface', async (t) => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((info) => info?.family === 'IPv4' && !info.internal)
    if (!lan) return t.skip('no non-loopback IPv4 interface here')
    const own = await client({ utp: true })
    const torrent = await download(own, seeded.infoHash)
    const addPeer = torrent.addPeer.bind(torrent)
    assert.equal(addPeer(`${lan.address}:${own.torrentPort}`), false)
    assert.equal(addPeer(`127.0.0.1:${own.torrentPort}`), false)
    assert.equal(addPeer(`${lan.address}:${own.torrentPort + 1}`), true)
    torrent.destroy()
  })

  it('never dials again an address that answered with its own peer ID (itself, behind an address it cannot know)', async () => {
    const own = await client({ utp: true })
    const torrent = await download(own, seeded.infoHash)
    // 127.0.0.2 reaches this machine but is no interface's address: only the handshake tells it is us.
    const addr = `127.0.0.2:${own.torrentPort}`
    const dials: string[] = []
    const addPeer = (torrent as unknown as { _addPeer(...args: unknown[]): unknown })._addPeer.bind(torrent)
    Object.assign(torrent, {
      _addPeer: (peer: unknown, ...rest: unknown[]) => {
        if (peer === addr) dials.push(addr)
        return addPeer(peer, ...rest)
      },
    })
    try {
      assert.equal(torrent.addPeer(addr), true)
      // It is dropped at the handshake (webtorrent kept it, and counted itself as a peer); a connection
      // that drops at once is dialled again after 1 s, but this one is us, so never.
      await new Promise((resolve) => setTimeout(resolve, 2_500))
      assert.equal(torrent.wires.length, 0)
      assert.deepEqual(dials, [addr])
    } finally {
      torrent.destroy()
    }
  })
})

describe('the first message after the handshake (webtorrent Node build)', () => {
  it('is the bitfield when the torrent has its metadata, before the extended handshake', async () => {
    const seederClient = await client({ utp: false })
    const torrent = await seed(seederClient)
    const peer = await classicPeer(seederClient.torrentPort, torrent.infoHash)
    try {
      await waitFor(() => peer.messages.length >= 2)
      assert.deepEqual(peer.messages.slice(0, 2), ['bitfield', 'extended handshake'])
    } finally {
      peer.close()
    }
  })

  /** A magnet download from a classic peer holding every piece; what it told the peer of its own pieces. */
  async function greetingsOfMagnet(path?: string): Promise<string[]> {
    const source = await seed(await client({ utp: false }))
    const leecherClient = await client({ utp: false })
    const leecher = await download(leecherClient, source.infoHash, path)
    const peer = await classicPeer(leecherClient.torrentPort, source.infoHash, {
      metadata: source.torrentFile,
    })
    try {
      // Once ready, the leecher tells of its pieces, then wants the peer's (or is done).
      await waitFor(() => peer.messages.includes('interested') || leecher.done)
      await new Promise((resolve) => setTimeout(resolve, 50))
      return peer.messages.filter((message) => !message.startsWith('extended') && message !== 'interested')
    } finally {
      peer.close()
      leecher.destroy()
    }
  }

  it('is never a late bitfield: a magnet download with nothing stored says nothing of its pieces', async () => {
    assert.deepEqual(await greetingsOfMagnet(), [])
  })

  it('is never a late bitfield: a resumed magnet download tells of the pieces it holds with have messages', async () => {
    const path = await newFolder()
    await writeFile(join(path, FILE.name), FILE)
    assert.deepEqual(await greetingsOfMagnet(path), ['have', 'have', 'have', 'have'])
  })
})

async function waitFor(condition: () => boolean, withinMs = CONNECT_TIMEOUT_MS): Promise<void> {
  const until = Date.now() + withinMs
  while (!condition()) {
    if (Date.now() > until) throw new Error(`not within ${withinMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
