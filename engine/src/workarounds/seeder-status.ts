import { fits } from '../check.js'

/*
 * webtorrent counts a peer as a seeder (wire.isSeeder) only when the bitfield it keeps of that peer
 * has the same length in bytes as its own. A peer that joined before it had any piece sends no
 * bitfield, and the one kept of it grows with each 'have', geometrically: 100 pieces had in order
 * grew it to 16 bytes, not 13. A receiver that downloaded in order (a stream, the most wanted piece
 * first) was then never counted a seeder by its sender, which went on saying it was the only one
 * with the whole file. Here the peer's pieces are counted instead.
 */

type Wire = {
  isSeeder?: boolean
  peerPieces: { get(index: number): boolean }
  on(event: 'have', listener: () => void): unknown
}

/** Keeps `wire.isSeeder` right for a peer of `torrent` as its 'have' messages arrive. */
export function countSeederByPieces(torrent: { pieces?: ReadonlyArray<unknown> | null }, wire: object): void {
  if (!fits('seeder-status', 'bittorrent-protocol Wire', wire)) return
  const peer = wire as Wire
  // Pieces only ever add up here, so the first one missing only moves on: each 'have' costs little,
  // not a scan of the whole torrent.
  let firstMissing = 0
  peer.on('have', () => {
    const count = torrent.pieces?.length ?? 0
    while (firstMissing < count && peer.peerPieces.get(firstMissing)) firstMissing++
    if (count > 0 && firstMissing === count) peer.isSeeder = true
  })
}
