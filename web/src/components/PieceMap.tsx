type Props = { cells: number[]; progress: number; label: string; tone?: 'active' | 'done' | 'error' }

/**
 * The progress bar as a map of the torrent: each cell is a stretch of pieces, filled as far as they
 * are present, so a person sees which regions have arrived (streaming and seeking fetch out of order).
 */
export function PieceMap({ cells, progress, label, tone = 'active' }: Props) {
  const percent = Math.round(Math.min(Math.max(progress, 0), 1) * 1000) / 10
  return (
    <div
      className={`piece-map piece-map--${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      data-testid="piece-map"
    >
      {cells.map((fraction, index) => (
        <span
          key={index}
          className="piece-map__cell"
          style={{ opacity: fraction === 0 ? 0 : 0.25 + 0.75 * fraction }}
        />
      ))}
    </div>
  )
}
