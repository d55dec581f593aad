/** One labelled figure; `raw` keeps the exact number (bytes, bytes/s) for scripts and tests. */
export function Stat({ label, value, testId, raw }: { label: string; value: string; testId?: string; raw?: number }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd data-testid={testId} data-value={raw}>
        {value}
      </dd>
    </div>
  )
}
