import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { downloadInNewContext, newSender, writeRandomFile } from './steps.js'
import { MiB, round, type Benchmark } from './types.js'

const BYTES = 128 * MiB
const RECEIVERS = 4

/**
 * One sender and four receivers who open the link at once: the time until all four have the file,
 * beside one receiver alone, and how much the sender uploads (receivers trade pieces among themselves).
 */
export const swarm128MiB: Benchmark = async ({ browser, origin, workDir }) => {
  const path = join(workDir, 'swarm-128mib.bin')
  await writeRandomFile(path, BYTES)
  const { context: aliceContext, page: alice, link } = await newSender(browser, origin, path)
  try {
    const aloneMs = await downloadInNewContext(browser, link)
    const uploadedBefore = await uploaded(alice)
    const startedAt = Date.now()
    await Promise.all(Array.from({ length: RECEIVERS }, () => downloadInNewContext(browser, link)))
    const allMs = Date.now() - startedAt
    const senderBytes = (await uploaded(alice)) - uploadedBefore
    return [
      {
        name: `one sender, ${RECEIVERS} receivers, 128 MiB: until all have it`,
        value: round(allMs / 1000, 2),
        unit: 's',
        anchor: { name: 'one sender, one receiver', value: round(aloneMs / 1000, 2), unit: 's' },
        ratio: round(allMs / aloneMs, 2),
        target: '<= 1.5 x',
      },
      {
        name: `bytes the sender uploaded to ${RECEIVERS} receivers, 128 MiB`,
        value: round(senderBytes / MiB),
        unit: 'MiB',
        anchor: { name: 'the file size', value: BYTES / MiB, unit: 'MiB' },
        ratio: round(senderBytes / BYTES, 2),
        target: '<= 2 x',
      },
    ]
  } finally {
    await aliceContext.close()
  }
}

/** The sender's uploaded bytes, from the app's own figure (refreshed every 250 ms). */
async function uploaded(page: Page): Promise<number> {
  await page.waitForTimeout(500)
  return Number(await page.getByTestId('stat-uploaded').getAttribute('data-value'))
}
