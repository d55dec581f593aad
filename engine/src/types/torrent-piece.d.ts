// torrent-piece ships no types; its Piece is what webtorrent's bundle inlines (see block-size.ts).
declare module 'torrent-piece' {
  export default class Piece {
    static BLOCK_LENGTH: number
    constructor(length: number)
    readonly length: number
    readonly missing: number
    chunkLength(index: number): number
    chunkLengthRemaining(index: number): number
    chunkOffset(index: number): number
    reserve(): number
    reserveRemaining(): number
    cancel(index: number): void
    get(index: number): Uint8Array | null | undefined
    set(index: number, data: Uint8Array, source: unknown): boolean
    flush(): Uint8Array | null
  }
}
