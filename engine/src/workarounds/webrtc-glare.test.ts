import assert from 'node:assert/strict'
import { EventEmitter, once } from 'node:events'
import { after, describe, it } from 'node:test'
import NodeWebTorrent from 'webtorrent'
import { failOnMismatch } from '../check.js'
import { loadBrowserBundle } from '../contract/browser-bundle.js'
import { settleOfferGlare } from './webrtc-glare.js'

failOnMismatch(true)

/** A simple-peer connection as webtorrent registers it: the remote peer ID, who offered, connect, destroy. */
class FakeConnection extends EventEmitter {
  connected = false
  destroyed = false
  constructor(
    readonly id: string,
    readonly initiator: boolean,
  ) {
    super()
  }
  destroy() {
    this.destroyed = true
    this.emit('close')
  }
}

type Torrent = EventEmitter & {
  infoHash?: string
  addPeer(peer: unknown): boolean
  _peers: Map<string, { conn: unknown; connected: boolean }>
  destroy(): void
}
type Client = { add(infoHash: string, options: object): Torrent; destroy(callback?: () => void): void }
type ClientClass = new (options: object) => Client

const REMOTE = '80'.repeat(20)
const builds: Array<[string, ClientClass]> = [
  ['node', NodeWebTorrent as unknown as ClientClass],
  ['browser', (await loadBrowserBundle()) as unknown as ClientClass],
]
const clients: Client[] = []
after(async () => {
  await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))))
})

for (const [build, WebTorrent] of builds) {
  /** A torrent of a client with peer ID `ownId`, and no trackers: peers are added by hand. */
  async function torrentOf(ownId: string): Promise<Torrent> {
    const client = new WebTorrent({ peerId: ownId, tracker: false, dht: false, lsd: false, utPex: false })
    clients.push(client)
    const torrent = client.add('ab'.repeat(20), { announce: [] })
    if (!torrent.infoHash) await once(torrent, 'infoHash')
    settleOfferGlare(torrent)
    return torrent
  }

  describe(`offers that cross (${build} build)`, () => {
    it('keep the connection the smaller peer ID offered, whichever arrived first: ours when ours is smaller', async () => {
      const torrent = await torrentOf('00'.repeat(20))
      const theirs = new FakeConnection(REMOTE, false)
      const ours = new FakeConnection(REMOTE, true)
      torrent.addPeer(theirs)
      torrent.addPeer(ours)
      assert.equal(torrent._peers.get(REMOTE)?.conn, ours)
      assert.deepEqual([theirs.destroyed, ours.destroyed], [true, false])
    })

    it('and theirs when theirs is smaller', async () => {
      const torrent = await torrentOf('ff'.repeat(20))
      const theirs = new FakeConnection(REMOTE, false)
      const ours = new FakeConnection(REMOTE, true)
      torrent.addPeer(ours)
      torrent.addPeer(theirs)
      assert.equal(torrent._peers.get(REMOTE)?.conn, theirs)
      assert.deepEqual([theirs.destroyed, ours.destroyed], [false, true])
    })

    it('never drop a connection that is up', async () => {
      const torrent = await torrentOf('00'.repeat(20))
      const theirs = new FakeConnection(REMOTE, false)
      torrent.addPeer(theirs)
      // As webtorrent marks a peer once its connection is up (the wire that follows is not needed here).
      torrent._peers.get(REMOTE)!.connected = true
      const ours = new FakeConnection(REMOTE, true)
      torrent.addPeer(ours)
      assert.equal(torrent._peers.get(REMOTE)?.conn, theirs)
      assert.equal(ours.destroyed, true)
    })
  })
}
