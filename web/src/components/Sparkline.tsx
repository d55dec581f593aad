const WIDTH = 240
const HEIGHT = 36

/** A tiny line chart of recent values (decorative: the figures themselves are shown as text). */
export function Sparkline({ values, label }: { values: number[]; label: string }) {
  if (values.length < 2) return null
  const max = Math.max(...values, 1)
  const step = WIDTH / (values.length - 1)
  const points = values
    .map((value, index) => `${(index * step).toFixed(1)},${(HEIGHT - (value / max) * (HEIGHT - 2) - 1).toFixed(1)}`)
    .join(' ')
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
      data-testid="sparkline"
    >
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="2" vectorEffect="non-scaling-stroke" />
    </svg>
  )
}
