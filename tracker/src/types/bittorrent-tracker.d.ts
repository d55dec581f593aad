// The parts of bittorrent-tracker's server that Swarmdrop uses (the package ships no types).
declare module 'bittorrent-tracker' {
  import type { EventEmitter } from 'node:events'
  import type { IncomingMessage, ServerResponse } from 'node:http'
  import type { Socket as UdpSocket, RemoteInfo } from 'node:dgram'
  import type { Duplex } from 'node:stream'

  export type ServerOptions = {
    interval?: number
    trustProxy?: boolean
    http?: boolean
    udp?: boolean
    ws?: boolean | { noServer?: boolean; maxPayload?: number }
    stats?: boolean
  }

  export type Swarm = {
    infoHash: string
    complete: number
    incomplete: number
  }

  type WebSocketServer = {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: unknown) => void): void
    emit(event: 'connection', ws: unknown, req: IncomingMessage): boolean
  }

  export class Server extends EventEmitter {
    constructor(options?: ServerOptions)
    torrents: Record<string, Swarm>
    ws: WebSocketServer | null
    udp4: UdpSocket | null
    udp6: UdpSocket | null
    onHttpRequest(req: IncomingMessage, res: ServerResponse): void
    onUdpRequest(message: Buffer, remote: RemoteInfo): void
    close(callback?: () => void): void
  }
}
