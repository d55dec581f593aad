import { availableParallelism } from 'node:os'
import type { Browser } from '@playwright/test'

/** One measured figure, with what it is held against where there is an anchor. */
export type Figure = {
  name: string
  value: number
  unit: string
  anchor?: { name: string; value: number; unit: string }
  ratio?: number
  target?: string
  note?: string
}

export type BenchContext = { browser: Browser; origin: string; workDir: string }
export type Benchmark = (context: BenchContext) => Promise<Figure[]>

export const MiB = 1024 * 1024
export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits

/** The middle one of `items` by `value` (the upper of the two middle ones of an even count). */
export const medianBy = <T>(items: T[], value: (item: T) => number): T =>
  [...items].sort((a, b) => value(a) - value(b))[Math.floor(items.length / 2)]!

/** The median of plain numbers. */
export const medianOf = (values: number[]): number => medianBy(values, (value) => value)

/** MiB/s of `bytes` moved in `ms`. */
export const mibPerS = (bytes: number, ms: number): number => bytes / MiB / (ms / 1000)

/** How much CPU a measured run cost Chromium: "12.6 CPU-s in 6.9 s (91 % of 2 cores)". */
export function cpuUse({ ms, cpuSeconds }: { ms: number; cpuSeconds: number }): string {
  const cores = availableParallelism()
  return `${round(cpuSeconds)} CPU-s in ${round(ms / 1000)} s (${round((cpuSeconds / (ms / 1000) / cores) * 100, 0)} % of ${cores} cores)`
}

/** A transfer's speed beside the same bytes moved another way (the anchor), with both times in the note. */
export function transferFigure(
  name: string,
  bytes: number,
  ms: number,
  anchor: { name: string; ms: number },
  target?: string,
): Figure {
  return {
    name,
    value: round(mibPerS(bytes, ms)),
    unit: 'MiB/s',
    anchor: { name: anchor.name, value: round(mibPerS(bytes, anchor.ms)), unit: 'MiB/s' },
    ratio: round(anchor.ms / ms, 2),
    ...(target ? { target } : {}),
    note: `${round(ms / 1000)} s vs ${round(anchor.ms / 1000)} s`,
  }
}
