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
