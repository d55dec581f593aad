// The parts of bittorrent-tracker's server that Swarmdrop uses (the package ships no types).
declare module 'bittorrent-tracker' {
  import type { EventEmitter } from 'node:events'
  import type { IncomingMessage, ServerResponse } from 'node:http'
  import type { Socket as UdpSocket, RemoteInfo } from 'node:dgram'

  export type ServerOptions = {
    interval?: number
    trustProxy?: boolean
    http?: boolean
    udp?: boolean
    ws?: boolean
    stats?: boolean
  }

  /** What a swarm answers an announce with; peers carry their ID (hex). */
  export type AnnounceResponse = {
    complete: number
    incomplete: number
    peers: Array<{ peerId: string; ip: string; port: number }>
  }

  export type Swarm = {
    infoHash: string
    complete: number
    incomplete: number
    announce(params: { peer_id: string }, callback: (err: Error | null, response?: AnnounceResponse) => void): void
  }

  export class Server extends EventEmitter {
    constructor(options?: ServerOptions)
    torrents: Record<string, Swarm>
    createSwarm(infoHash: string, callback: (err: Error | null, swarm?: Swarm) => void): void
    udp4: UdpSocket | null
    udp6: UdpSocket | null
    /** Used by the benchmark's stock anchor, which lets the library run its own servers. */
    listen(port: number, hostname: string, onlistening?: () => void): void
    onHttpRequest(req: IncomingMessage, res: ServerResponse): void
    onUdpRequest(message: Buffer, remote: RemoteInfo): void
    close(callback?: () => void): void
  }
}
