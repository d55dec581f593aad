import prettyBytes from 'pretty-bytes'
import prettyMs from 'pretty-ms'

/**
 * Three significant digits ("20.9 MB"). Any number option would make pretty-bytes format through
 * `toLocaleString`, whose first calls cost ~30 ms on the page that opens a share link.
 */
export const formatBytes = (bytes: number): string => prettyBytes(bytes)

export const formatSpeed = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`

export const formatEta = (ms: number | null): string =>
  ms === null ? '—' : prettyMs(Math.max(ms, 1000), { secondsDecimalDigits: 0, unitCount: 2 })

export const formatPercent = (fraction: number): string => `${Math.floor(fraction * 1000) / 10}%`
