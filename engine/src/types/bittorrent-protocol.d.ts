// The parts of bittorrent-protocol's Wire the tests drive (the package ships no types).
declare module 'bittorrent-protocol' {
  import type { Duplex } from 'node:stream'

  export default class Wire extends Duplex {
    handshake(infoHash: string, peerId: string): void
    have(index: number): void
    piece(index: number, offset: number, buffer: Uint8Array): void
  }
}
