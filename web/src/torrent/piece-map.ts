/** How many cells the piece map draws, whatever the number of pieces. */
export const PIECE_MAP_CELLS = 120

/**
 * Folds `pieceCount` pieces into at most `cells` cells; each cell is the fraction (0..1, in tenths so
 * snapshots only change when the picture does) of its pieces that are present.
 */
export function foldPieces(pieceCount: number, has: (index: number) => boolean, cells = PIECE_MAP_CELLS): number[] {
  if (pieceCount <= 0) return []
  const count = Math.min(cells, pieceCount)
  const map: number[] = []
  for (let cell = 0; cell < count; cell++) {
    const start = Math.floor((cell * pieceCount) / count)
    const end = Math.floor(((cell + 1) * pieceCount) / count)
    let present = 0
    for (let index = start; index < end; index++) if (has(index)) present++
    map.push(Math.round((present / (end - start)) * 10) / 10)
  }
  return map
}
