type Props = { value: number; label: string; tone?: 'active' | 'done' | 'error' }

/** A determinate progress bar; `value` is 0..1. */
export function ProgressBar({ value, label, tone = 'active' }: Props) {
  const percent = Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 10
  return (
    <div
      className={`progress progress--${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="progress__fill" style={{ transform: `scaleX(${percent / 100})` }} />
    </div>
  )
}
