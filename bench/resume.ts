import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { join } from 'node:path'
import { shareFile } from './steps.js'
import { MiB, round, type Benchmark } from './types.js'

const BYTES = 1024 * MiB

/** Time from a reload to seeding again for a 1 GiB shared file (every stored piece is re-verified). */
export const resume1GiB: Benchmark = async ({ browser, origin, workDir }) => {
  const path = join(workDir, 'resume-1gib.bin')
  const file = await open(path, 'w')
  for (let written = 0; written < BYTES; written += 64 * MiB) await file.write(randomBytes(64 * MiB))
  await file.close()

  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(origin + '/')
  const { shareMs } = await shareFile(page, path)

  const reloadAt = Date.now()
  await page.reload()
  await page.locator('[data-status="seeding"]').waitFor({ timeout: 300_000 })
  const resumeMs = Date.now() - reloadAt
  await context.close()
  return [
    { name: 'reload to seeding again, 1 GiB shared file', value: round(resumeMs / 1000, 2), unit: 's', note: `${round(BYTES / MiB / (resumeMs / 1000))} MiB/s verified` },
    { name: 'drop to seeding, 1 GiB (hashing + store)', value: round(shareMs / 1000, 2), unit: 's' },
  ]
}
