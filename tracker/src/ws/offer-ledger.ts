/**
 * The offers one connection was sent and may still answer, so an answer to an offer never made is
 * refused. Kept as 32-bit hashes in a ring of the most recent ones: ~150 bytes per connection instead
 * of a map of strings (~3 KiB), which at 15,000 sockets is the difference between this tracker and
 * the stock one in memory. A forged answer would have to hit one of 32 hashes: about 1 in 10^8.
 *
 * A peer receives about five offers per announce interval (12 s) whatever the swarm's size, and
 * clients give up on an offer after 50 s, so 32 leaves room to spare.
 */
const RING_SIZE = 32

export class OfferLedger {
  private ring: Uint32Array | null = null
  private next = 0

  /** `key` identifies the offer: its offer_id, info hash and the offering peer's ID. */
  record(key: string): void {
    this.ring ??= new Uint32Array(RING_SIZE)
    this.ring[this.next] = hash(key)
    this.next = (this.next + 1) % RING_SIZE
  }

  /** Whether the offer was recorded (and not yet answered); forgets it. */
  take(key: string): boolean {
    if (!this.ring) return false
    const wanted = hash(key)
    const index = this.ring.indexOf(wanted)
    if (index === -1) return false
    this.ring[index] = 0
    return true
  }
}

/** FNV-1a over UTF-16 code units, never 0 (0 marks an empty or used slot). */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0 || 1
}
