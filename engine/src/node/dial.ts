import { connect, isIPv4 } from 'node:net'
import { networkInterfaces } from 'node:os'
import addrToIPPort from 'addr-to-ip-port'
import { fits, patchClass } from '../check.js'

/*
 * How webtorrent 3 in Node reaches a classic peer (an "ip:port" from a tracker, the DHT or PEX).
 *
 * It dials uTP first and TCP only after four uTP attempts, each timing out at 5 s with 1, 5 and 15 s
 * between them: a client without uTP (rTorrent) waited ~40 s per connection, and again after any
 * drop, since each redial starts over with uTP. Here TCP is dialled first and uTP a moment later
 * unless TCP has connected or failed by then (as Happy Eyeballs, RFC 8305, does for IPv6 and IPv4);
 * the first to connect carries the peer, and the other is closed before a byte is sent on it.
 * Whichever connected is the only one dialled again for that address. Both at once, under load, left
 * the hybrid node without Transmission for ~50 s (until the next announce) in ~1 run of 4: it
 * reached Transmission and sent its handshake, and got none back, on every redial; our reading is
 * that Transmission drops a connection from an address that has another one in its handshake.
 *
 * It also hands out the node's own address: a tracker that sees the node at its LAN address hands
 * that back, and webtorrent's self-check knows only 127.0.0.1, so a node alone in its swarm dialled
 * itself over uTP and counted two peers. An address of this machine's interfaces with the client's
 * own port, or one whose handshake carried the client's own peer ID, is never dialled.
 */

type Path = 'tcp' | 'utp'
type Socket = {
  once(event: 'connect' | 'close', listener: () => void): unknown
  once(event: 'error', listener: (err: Error) => void): unknown
  on(event: 'error', listener: (err: Error) => void): unknown
  destroy(): void
}
type Wire = { once(event: 'handshake', listener: (infoHash: string, peerId: string) => void): unknown }
type OutgoingPeer = {
  addr: string
  type: string
  conn: Socket | null
  wire: Wire | null
  source: string
  destroyed: boolean
  onConnect(): void
  destroy(err?: Error): void
}
type DialingTorrent = {
  _drain(): void
  _validAddr(addr: string): boolean
  _addPeer(addr: string, type: Path, source: string): OutgoingPeer | null
  _queue: OutgoingPeer[]
  _numConns: number
  _numPending: number
  destroyed: boolean
  paused: boolean
  client: {
    utp: boolean
    maxConns: number
    torrentPort: number
    peerId: string
    _utpServer: { connect(port: number, host: string): Socket } | null
  }
}

/** webtorrent's: how long a dial may take, and the waits before dialling a lost peer again. */
export const CONNECT_TIMEOUT_MS = 5_000
export const RECONNECT_WAIT_MS = [1_000, 5_000, 15_000] as const
/**
 * A connection closed sooner than this counts as a failure. webtorrent starts its waits over at every
 * handshake, so a peer that accepts and then drops (rTorrent in some states) was dialled every second
 * for as long as both ran; now such a peer is dialled after 1, 5 and 15 s, then left to dial us.
 */
export const SHORT_CONNECTION_MS = 10_000
/** How long TCP has to itself before uTP is dialled too (a LAN or a nearby peer connects well within it). */
export const UTP_HEAD_START_MS = 300
const PEER_TYPE: Record<Path, string> = { tcp: 'tcpOutgoing', utp: 'utpOutgoing' }
const INTERFACES_TTL_MS = 10_000

/**
 * Per torrent: the path that connected to an address, addresses that turned out to be this client, and
 * failures in a row per address (dials that failed, connections that did not last).
 */
const pathTo = new WeakMap<DialingTorrent, Map<string, Path>>()
const ourselves = new WeakMap<DialingTorrent, Set<string>>()
const failuresInARow = new WeakMap<DialingTorrent, Map<string, number>>()

/** Patches the class of `torrent` once: both paths raced, and never a dial to itself. */
export function dialClassicPeers(torrent: object): void {
  patchClass<DialingTorrent>('classic-dials', 'webtorrent Torrent', torrent, (prototype) => {
    const { _drain: drain, _validAddr: validAddr } = prototype
    prototype._drain = function (this: DialingTorrent) {
      const utpServer =
        fits('classic-dials', 'webtorrent WebTorrent', this.client) && this.client.utp ? this.client._utpServer : null
      // TCP only (nothing to race), or a peer unlike the one this was written for: webtorrent's own dialling.
      if (!utpServer || !fits('classic-dials', 'webtorrent Peer', this._queue[0])) return drain.call(this)
      if (this.destroyed || this.paused || this._numConns + this._numPending >= this.client.maxConns) return
      dial(this, this._queue.shift()!, utpServer)
    }
    prototype._validAddr = function (this: DialingTorrent, addr: string) {
      return validAddr.call(this, addr) && !isOwnAddress(this, addr)
    }
  })
}

function dial(torrent: DialingTorrent, peer: OutgoingPeer, utpServer: { connect(port: number, host: string): Socket }) {
  const [host, port] = addrToIPPort(peer.addr)
  const known = pathTo.get(torrent)?.get(peer.addr)
  const [first, second]: Path[] = known ? [known] : isIPv4(host) ? ['tcp', 'utp'] : ['tcp']
  const attempts = new Map<Path, Socket>()
  let settled = false
  /** The path not dialled yet: after the head start, or at once if the first one fails sooner. */
  let waiting: Path | null = second ?? null
  torrent._numPending += 1

  const settle = () => {
    settled = true
    clearTimeout(timer)
    clearTimeout(headStart)
    torrent._numPending -= 1
  }
  const won = (path: Path, socket: Socket) => {
    if (settled) return
    settle()
    for (const [other, loser] of attempts) if (other !== path) close(loser)
    if (torrent.destroyed || peer.destroyed) return close(socket)
    const paths = pathTo.get(torrent) ?? new Map<string, Path>()
    pathTo.set(torrent, paths.set(peer.addr, path))
    peer.type = PEER_TYPE[path]
    peer.conn = socket
    const connectedAt = Date.now()
    socket.once('close', () => redial(torrent, peer, Date.now() - connectedAt < SHORT_CONNECTION_MS))
    peer.onConnect()
    // webtorrent's own check compares with the torrent's `peerId`, which webtorrent 3 no longer sets:
    // a node that reached itself kept the connection, and counted itself as a peer.
    peer.wire?.once('handshake', (_infoHash, peerId) => {
      if (peerId !== torrent.client.peerId) return
      const own = ourselves.get(torrent) ?? new Set<string>()
      ourselves.set(torrent, own.add(peer.addr))
      peer.destroy(new Error('connected to itself'))
    })
  }
  const lost = (path: Path, err?: Error) => {
    attempts.delete(path)
    if (settled || attempts.size > 0) return
    if (waiting) return dialPath(takeWaiting())
    settle()
    pathTo.get(torrent)?.delete(peer.addr)
    peer.destroy(err ?? new Error('connect timeout'))
    redial(torrent, peer, true)
  }

  const dialPath = (path: Path) => {
    const socket = path === 'tcp' ? connect({ host, port }) : utpServer.connect(port, host)
    attempts.set(path, socket)
    socket.once('connect', () => won(path, socket))
    socket.once('error', (err) => lost(path, err))
    socket.once('close', () => lost(path))
  }
  const takeWaiting = (): Path => {
    const path = waiting!
    waiting = null
    clearTimeout(headStart)
    return path
  }
  dialPath(first!)
  const headStart = setTimeout(() => {
    if (!settled && waiting) dialPath(takeWaiting())
  }, UTP_HEAD_START_MS)
  headStart.unref()
  const timer = setTimeout(() => {
    waiting = null
    for (const socket of attempts.values()) close(socket)
  }, CONNECT_TIMEOUT_MS)
  timer.unref()
}

/** The same address again after a wait growing with each failure in a row; after three, no more. */
function redial(torrent: DialingTorrent, peer: OutgoingPeer, failed: boolean): void {
  if (torrent.destroyed || ourselves.get(torrent)?.has(peer.addr)) return
  const failures = failuresInARow.get(torrent) ?? new Map<string, number>()
  failuresInARow.set(torrent, failures)
  const inARow = failed ? (failures.get(peer.addr) ?? 0) + 1 : 0
  failures.set(peer.addr, inARow)
  const wait = RECONNECT_WAIT_MS[Math.max(inARow - 1, 0)]
  if (wait === undefined) return
  setTimeout(() => {
    if (!torrent.destroyed) torrent._addPeer(peer.addr, pathTo.get(torrent)?.get(peer.addr) ?? 'utp', peer.source)
  }, wait).unref()
}

function close(socket: Socket): void {
  socket.on('error', () => {})
  socket.destroy()
}

function isOwnAddress(torrent: DialingTorrent, addr: string): boolean {
  if (ourselves.get(torrent)?.has(addr)) return true
  const [host, port] = addrToIPPort(addr)
  return port === torrent.client.torrentPort && localAddresses().has(host)
}

let interfaces: { addresses: Set<string>; at: number } | null = null
/** This machine's addresses (interfaces come and go, so looked up again now and then). */
function localAddresses(): Set<string> {
  const now = Date.now()
  if (interfaces && now - interfaces.at < INTERFACES_TTL_MS) return interfaces.addresses
  const addresses = new Set(['0.0.0.0', '::'])
  for (const infos of Object.values(networkInterfaces())) for (const info of infos ?? []) addresses.add(info.address)
  interfaces = { addresses, at: now }
  return addresses
}
