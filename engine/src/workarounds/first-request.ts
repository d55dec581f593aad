import { patchClass } from '../check.js'

/*
 * Until a peer has sent its first block, webtorrent asks it for one block only (to see that it
 * answers), and takes that block from the last piece of its least wanted selection: the end of the
 * whole torrent. A player starting a video, or a private share's file list being read, then waited
 * a round trip and that block's transfer on every new connection before the piece it needs was even
 * asked for (~0.35 s of the 1.1 s from metadata to the file list, 100 ms path). Here that one block
 * comes from the most wanted piece: one a stream waits for, else the first of the highest selection.
 */

type Wire = {
  type?: string
  destroyed?: boolean
  downloaded: number
  peerChoking: boolean
  requests: unknown[]
  peerPieces: { get(index: number): boolean }
}
type Selection = { from: number; to: number; offset: number }
type RequestingTorrent = {
  done: boolean
  pieces: ReadonlyArray<unknown>
  /** Pieces a stream is waiting for (webtorrent's `critical()`), by index. */
  _critical: boolean[]
  /** What to download, most wanted first. */
  _selections: { length: number; get(index: number): Selection }
  bitfield: { get(index: number): boolean } | null
  _updateWire(wire: Wire): unknown
  _request(wire: Wire, index: number, hotswap: boolean): boolean
}

/** Patches the class of `torrent` once. */
export function firstRequestMostWanted(torrent: object): void {
  patchClass<RequestingTorrent>('first-request', 'webtorrent Torrent', torrent, (prototype) => {
    const updateWire = prototype._updateWire
    prototype._updateWire = function (this: RequestingTorrent, wire: Wire) {
      // A torrent that has everything asks for nothing.
      if (this.done) return updateWire.call(this, wire)
      const probing =
        wire.type !== 'webSeed' && !wire.destroyed && !wire.downloaded && !wire.peerChoking && !wire.requests.length
      if (probing) for (const piece of mostWanted(this, wire)) if (this._request(wire, piece, false)) return undefined
      return updateWire.call(this, wire)
    }
  })
}

/** The pieces `wire`'s peer has and this side lacks, most wanted first: streams' waits, then by selection. */
export function* mostWanted(torrent: RequestingTorrent, wire: Wire): Generator<number> {
  const wanted = (piece: number) => wire.peerPieces.get(piece) && !torrent.bitfield?.get(piece)
  // A reader near a file's end marks pieces past the torrent's last, which webtorrent's _request throws on.
  const critical = torrent._critical
  const last = Math.min(critical.length, torrent.pieces.length)
  for (let piece = 0; piece < last; piece++) if (critical[piece] && wanted(piece)) yield piece
  for (let index = 0; index < torrent._selections.length; index++) {
    const { from, offset, to } = torrent._selections.get(index)
    for (let piece = from + offset; piece <= to; piece++) if (wanted(piece)) yield piece
  }
}
