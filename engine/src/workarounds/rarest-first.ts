import { patchClass } from '../check.js'

/*
 * webtorrent's rarest-first search (RarityMap.getRarestPiece) scans every piece on each call, and
 * fills a peer's request pipeline by calling it again for each piece it cannot use: one held
 * already, or with every block requested from other peers. In a swarm, where a peer has many
 * pieces that are all on their way from elsewhere, one refill cost hundreds of full scans: ~30 % of
 * each of four receivers' main threads, on every block received. Here one search sorts the
 * candidates once, rarest first with ties in random order as before, and each later call with the
 * same filter (webtorrent's loop, which runs synchronously) takes the next one that still passes it.
 */

type PieceFilter = (index: number) => boolean
type RarityMap = {
  /** How many connected peers have each piece. */
  _pieces: number[] | null
  _torrent: { bitfield?: { get(index: number): boolean } | null } | null
  getRarestPiece(filter?: PieceFilter): number
}

/** Per search (the filter webtorrent makes for it): the candidates in order, and how far it has got. */
const searches = new WeakMap<PieceFilter, { order: number[]; next: number }>()

/** Patches the class of a torrent's rarity map (`torrent._rarityMap`) once. */
export function rarestFirstOnce(rarityMap: object | null | undefined): void {
  patchClass<RarityMap>('rarest-first-once', 'webtorrent RarityMap', rarityMap, (prototype) => {
    const getRarestPiece = prototype.getRarestPiece
    prototype.getRarestPiece = function (this: RarityMap, filter?: PieceFilter): number {
      if (!filter || !this._pieces) return getRarestPiece.call(this, filter)
      let search = searches.get(filter)
      if (!search) searches.set(filter, (search = { order: rarestOrder(this, filter), next: 0 }))
      while (search.next < search.order.length) {
        const piece = search.order[search.next++]!
        if (filter(piece)) return piece
      }
      return -1
    }
  })
}

/** The pieces the torrent lacks that pass the filter, rarest first, equally rare ones shuffled. */
function rarestOrder(map: RarityMap, filter: PieceFilter): number[] {
  const availability = map._pieces!
  const held = map._torrent?.bitfield
  const candidates: number[] = []
  for (let index = 0; index < availability.length; index++)
    if (!held?.get(index) && filter(index)) candidates.push(index)
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!]
  }
  // Array.prototype.sort is stable: the shuffle decides among pieces equally rare.
  return candidates.sort((a, b) => availability[a]! - availability[b]!)
}
