import { once, type EventEmitter } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Server } from 'bittorrent-tracker'
import NodeWebTorrent from 'webtorrent'
import {
  adoptTorrent,
  EngineMismatchError,
  leftUntilMetadata,
  onEngineReport,
  type EngineTorrent,
  type ParallelOptions,
} from '../index.js'
import type { Runtime } from '../manifest.js'
import { endGatheringAsBrowsersDo } from '../node/index.js'
import { loadBrowserBundle } from './browser-bundle.js'

/*
 * Two real webtorrent clients of one build in this process, a seeder and a leecher, moving a file
 * over WebRTC (webrtc-polyfill) through a real WebSocket tracker on 127.0.0.1; an engine mismatch
 * fails the transfer. What the browser bundle keeps inside it (its Wire, Piece, RarityMap, tracker and
 * simple-peer classes) is reached through their instances.
 */

export type Build = 'browser' | 'node'
export const RUNTIME_OF: Record<Build, Runtime> = { browser: 'browser', node: 'node' }

type AnyTorrent = EngineTorrent &
  EventEmitter &
  Record<string, unknown> & { infoHash: string; done: boolean; destroy(): void }
type Client = {
  seed(input: unknown, opts: object): AnyTorrent
  add(id: string, opts: object): AnyTorrent
  throttleDownload(bytesPerSecond: number): void
  destroy(callback?: () => void): void
}
type Constructor = new (...args: never[]) => object

/** The upstream classes a build runs, as its own instances show them. */
export type UpstreamClasses = {
  Torrent: Constructor
  Piece: Constructor
  RarityMap: Constructor
  Wire: Constructor
  WebSocketTracker: Constructor
  SimplePeer: Constructor
}

export type Transfer = {
  seeder: AnyTorrent
  leecher: AnyTorrent
  sent: Uint8Array
  received: Uint8Array
  classes: UpstreamClasses
  /** The lengths of the blocks the leecher received. */
  blockLengths: Set<number>
  /** Bytes the leecher received over each of its connections, in the order they came. */
  bytesPerConnection: number[]
  close(): Promise<void>
}

const FILE_BYTES = 3 * 1024 * 1024

/** How long a transfer's first connection may take before the transfer is tried again. */
const CONNECT_TIMEOUT_MS = 6_000
const ATTEMPTS = 4

class NoConnection extends Error {}

/**
 * `adopt: false` leaves the engine out: the classes stay as upstream ships them. Node's WebRTC now and
 * then refuses an answer between two clients of one process ("Got a remote candidate without ICE
 * transport", see the quick-answers workaround); the two clients then wait out webtorrent's 25 s, so
 * a transfer with no connection after a few seconds starts over instead (about one in five here).
 */
export type TransferOptions = {
  adopt?: boolean
  /** Parallel connections of the seeder and of the leecher (the engine's defaults when left out). */
  parallel?: { seeder?: ParallelOptions | false; leecher?: ParallelOptions | false }
  /** The leecher's download limit in bytes per second: a transfer that lasts. */
  leecherBytesPerSecond?: number
}

export async function transfer(build: Build, options: TransferOptions = {}): Promise<Transfer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await attemptTransfer(build, options)
    } catch (err) {
      if (!(err instanceof NoConnection) || attempt === ATTEMPTS) throw err
    }
  }
}

async function attemptTransfer(
  build: Build,
  { adopt = true, parallel = {}, leecherBytesPerSecond }: TransferOptions,
): Promise<Transfer> {
  // Node's WebRTC needs this whichever webtorrent build runs on it.
  endGatheringAsBrowsersDo()
  const WebTorrent = (build === 'browser' ? await loadBrowserBundle() : NodeWebTorrent) as unknown as new (
    options: object,
  ) => Client
  const tracker = new Server({ udp: false, http: false, ws: true, stats: false })
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', () => resolve()))
  const port = ((tracker as unknown as { ws: { address(): AddressInfo } }).ws.address() as AddressInfo).port
  // One process pools tracker sockets by URL, and the tracker knows a peer by its socket: each client gets its own URL.
  const announceAs = (name: string) => [`ws://127.0.0.1:${port}/${name}`]
  const options = {
    tracker: { rtcConfig: { iceServers: [] } },
    dht: false,
    lsd: false,
    utPex: false,
    natUpnp: false,
    natPmp: false,
    utp: false,
    torrentPort: 0,
  }
  const clients = [new WebTorrent(options), new WebTorrent(options)] as const
  const sent = new Uint8Array(FILE_BYTES).map((_, i) => (i * 7) % 251)
  const runtime = RUNTIME_OF[build]

  const input =
    build === 'browser' ? new File([sent], 'contract.bin') : Object.assign(Buffer.from(sent), { name: 'contract.bin' })
  // Pieces of 256 KiB, as the app makes them for files of this size (the default would be 16 KiB).
  // The Node build stores in a folder, by default one per info hash that both clients would share.
  const folders: string[] = []
  const storeOf = async (name: string) => {
    if (build !== 'node') return {}
    const path = await mkdtemp(join(tmpdir(), `swarmdrop-contract-${name}-`))
    folders.push(path)
    return { path }
  }
  const seeder = clients[0].seed(input, {
    ...(await storeOf('seeder')),
    announce: announceAs('seeder'),
    name: 'contract.bin',
    pieceLength: 256 * 1024,
  })
  if (adopt) adoptTorrent(seeder, { runtime, parallel: parallel.seeder })
  await once(seeder, 'ready')
  // As the app does: a leecher to the tracker until the size is known.
  if (leecherBytesPerSecond) clients[1].throttleDownload(leecherBytesPerSecond)
  const leecher = clients[1].add(seeder.infoHash, {
    ...(await storeOf('leecher')),
    announce: announceAs('leecher'),
    getAnnounceOpts: () => leftUntilMetadata(leecher as { length?: number }),
  })
  if (adopt) adoptTorrent(leecher, { runtime, fresh: true, parallel: parallel.leecher })
  let Piece: Constructor | null = null
  leecher.once('metadata', () => {
    Piece = (leecher.pieces.find((piece) => piece !== null) as object).constructor as Constructor
  })
  const blockLengths = new Set<number>()
  const bytesPerConnection: number[] = []
  leecher.on(
    'wire',
    (wire: { on(event: 'piece', listener: (index: number, offset: number, block: Uint8Array) => void): unknown }) => {
      const connection = bytesPerConnection.push(0) - 1
      wire.on('piece', (_index, _offset, block) => {
        blockLengths.add(block.length)
        bytesPerConnection[connection]! += block.length
      })
    },
  )
  // A mismatch would throw inside webtorrent's handlers, where nothing can catch it: here it ends the
  // wait instead, and the transfer fails with it.
  let stopListening = () => {}
  const mismatched = new Promise<never>((_, reject) => {
    stopListening = onEngineReport(({ mismatches: [first] }) => first && reject(new EngineMismatchError(first)))
  })
  const close = async () => {
    await Promise.all(clients.map((client) => new Promise<void>((resolve) => client.destroy(() => resolve()))))
    await new Promise<void>((resolve) => tracker.close(() => resolve()))
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })))
  }
  let timer: ReturnType<typeof setTimeout> | undefined
  const connected = new Promise<void>((resolve) => leecher.once('wire', () => resolve()))
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new NoConnection(`No connection within ${CONNECT_TIMEOUT_MS} ms.`)),
      CONNECT_TIMEOUT_MS,
    )
  })
  try {
    await Promise.race([connected, timedOut, mismatched])
    clearTimeout(timer)
    await Promise.race([once(leecher, 'done'), mismatched])
  } catch (err) {
    await close()
    throw err
  } finally {
    clearTimeout(timer)
    stopListening()
  }
  const received = await readAll(leecher)
  const peer = [...(leecher._peers as Map<string, { conn: object }>).values()][0]!
  const classOf = (instance: unknown) => (instance as object).constructor as Constructor
  const classes: UpstreamClasses = {
    Torrent: classOf(leecher),
    Piece: Piece!,
    RarityMap: classOf(leecher._rarityMap),
    Wire: classOf(leecher.wires[0]),
    WebSocketTracker: classOf((leecher.discovery as { tracker: { _trackers: unknown[] } }).tracker._trackers[0]),
    SimplePeer: classOf(peer.conn),
  }
  return { seeder, leecher, sent, received, classes, blockLengths, bytesPerConnection, close }
}

async function readAll(torrent: AnyTorrent): Promise<Uint8Array> {
  const [file] = torrent.files as Array<{ arrayBuffer(): Promise<ArrayBuffer> }>
  return new Uint8Array(await file!.arrayBuffer())
}
