const MIN_PIECE_BYTES = 16 * 1024
const MAX_PIECE_BYTES = 1024 * 1024

/**
 * The piece size of a torrent Swarmdrop creates, in the browser or the hybrid node alike, so the
 * same files make the same torrent (one swarm) wherever they are shared from: about 1/256 of the
 * torrent, a power of two between 16 KiB and 1 MiB. Each piece costs a browser receiver about 1 ms
 * of main thread whatever its size (its hash, its write, a "have" to every peer): at 128 KiB, the
 * usual 1/1024, that was ~15 % of it at 20 MiB/s. 1 MiB at most, because a player waits for a
 * whole piece before the first frame and after each seek.
 */
export function pieceLengthFor(bytes: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, bytes / 256)))
  return Math.min(MAX_PIECE_BYTES, Math.max(MIN_PIECE_BYTES, target))
}
