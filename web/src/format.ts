import prettyBytes from 'pretty-bytes'
import prettyMs from 'pretty-ms'

export const formatBytes = (bytes: number): string => prettyBytes(bytes, { maximumFractionDigits: 1 })

export const formatSpeed = (bytesPerSecond: number): string => `${formatBytes(bytesPerSecond)}/s`

export const formatEta = (ms: number | null): string =>
  ms === null ? '—' : prettyMs(Math.max(ms, 1000), { secondsDecimalDigits: 0, unitCount: 2 })

export const formatPercent = (fraction: number): string => `${Math.floor(fraction * 1000) / 10}%`
