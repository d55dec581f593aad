import prettyBytes from 'pretty-bytes'
import prettyMs from 'pretty-ms'

/**
 * Three significant digits ("20.9 MB"). Any number option would make pretty-bytes format through
 * `toLocaleString`, whose first calls cost ~30 ms on the page that opens a share link.
 */
export const formatBytes = (bytes: number): string => prettyBytes(bytes)

/**
 * Bytes done out of a total, the unit said once when both share it: "87.2 / 537 MB" stays on one
 * line of a narrow figure, where "87.2 MB of 537 MB" wrapped and moved the page at every refresh.
 */
export function formatBytesOf(done: number, total: number): string {
  const [doneText, totalText] = [formatBytes(done), formatBytes(total)]
  const unit = totalText.slice(totalText.lastIndexOf(' '))
  return `${doneText.endsWith(unit) ? doneText.slice(0, -unit.length) : doneText} / ${totalText}`
}

export const formatSpeed = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`

export const formatEta = (ms: number | null): string =>
  ms === null ? '—' : prettyMs(Math.max(ms, 1000), { secondsDecimalDigits: 0, unitCount: 2 })

export const formatPercent = (fraction: number): string => `${Math.floor(fraction * 1000) / 10}%`

/** A moment within the next days, as a person reads it: "Sat 14:05" (in their language and time zone). */
export const formatMoment = (ms: number): string =>
  new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(ms)

/** "1 hour", "24 hours", "1 week". */
export const formatHours = (hours: number): string =>
  hours % 168 === 0
    ? plural(hours / 168, 'week')
    : hours % 24 === 0 && hours > 24
      ? plural(hours / 24, 'day')
      : plural(hours, 'hour')

const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'}`
