import assert from 'node:assert/strict'
import { once, type EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, it } from 'node:test'
import WebTorrent from 'webtorrent'
import { adoptClassicPeers } from '../node/index.js'
import { adoptTorrent, type EngineTorrent } from '../torrent.js'
import { NODE_CLASSES } from './classes.js'
import { describeContract } from './describe-contract.js'

type Torrent = EngineTorrent &
  EventEmitter & { infoHash: string; done: boolean; files: Array<{ arrayBuffer(): Promise<ArrayBuffer> }> }
type Client = EventEmitter & {
  torrentPort: number
  seed(input: Buffer, options: object): Torrent
  add(infoHash: string, options: object): Torrent
  destroy(callback: () => void): void
}

describeContract('node', (swarm) => {
  it('runs the very classes the behaviour tests import', () => {
    const { classes } = swarm()
    for (const name of Object.keys(NODE_CLASSES) as Array<keyof typeof NODE_CLASSES>)
      assert.equal(classes[name], NODE_CLASSES[name], name)
  })

  // The hybrid node also trades with classic clients: two clients of the Node build, TCP and uTP on 127.0.0.1.
  const clients: Client[] = []
  let folder = ''
  let sent: Buffer
  let received: Uint8Array
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'swarmdrop-contract-'))
    const options = { dht: false, tracker: false, lsd: false, utPex: false, natUpnp: false, natPmp: false, utp: true }
    for (const _ of [0, 1]) {
      const client = new WebTorrent({ ...options, torrentPort: 0 } as object) as unknown as Client
      clients.push(client)
      if (!client.torrentPort) await once(client, 'listening')
    }
    sent = Object.assign(Buffer.from(new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 13) % 251)), {
      name: 'classic.bin',
    })
    const adopt = (torrent: Torrent) => {
      adoptTorrent(torrent, { runtime: 'node' })
      adoptClassicPeers(torrent)
      return torrent
    }
    const seeder = adopt(clients[0]!.seed(sent, { path: join(folder, 'seeder') }))
    await once(seeder, 'ready')
    const leecher = adopt(clients[1]!.add(seeder.infoHash, { path: join(folder, 'leecher') }))
    await once(leecher, 'infoHash')
    ;(leecher as unknown as { addPeer(addr: string): void }).addPeer(`127.0.0.1:${clients[0]!.torrentPort}`)
    if (!leecher.done) await once(leecher, 'done')
    received = new Uint8Array(await leecher.files[0]!.arrayBuffer())
  })
  after(async () => {
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))))
    await rm(folder, { recursive: true, force: true })
  })

  it('moves a file whole between two clients over TCP or uTP, with the classic workarounds applied', () => {
    assert.ok(Buffer.from(received).equals(sent))
  })
})
