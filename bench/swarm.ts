import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { downloadTogether, newSender, writeRandomFile } from './steps.js'
import { cpuUse, MiB, round, type Benchmark } from './types.js'

const BYTES = 128 * MiB
const RECEIVERS = 4

/**
 * One sender and four receivers who open the link at once: the time until all four have the file,
 * beside one receiver alone, and how much the sender uploads (receivers trade pieces among themselves).
 * All five people share this machine's cores, so the CPU time the swarm costs Chromium is measured
 * too: divided by the cores, it is the least time any schedule of that work could take here.
 */
export const swarm128MiB: Benchmark = async ({ browser, origin, workDir }) => {
  const path = join(workDir, 'swarm-128mib.bin')
  await writeRandomFile(path, BYTES)
  const { context: aliceContext, page: alice, link } = await newSender(browser, origin, path)
  try {
    const alone = await downloadTogether(browser, link, 1)
    const uploadedBefore = await uploaded(alice)
    const swarm = await downloadTogether(browser, link, RECEIVERS)
    const senderBytes = (await uploaded(alice)) - uploadedBefore
    const cores = availableParallelism()
    return [
      {
        name: `one sender, ${RECEIVERS} receivers, 128 MiB: until all have it`,
        value: round(swarm.ms / 1000, 2),
        unit: 's',
        anchor: { name: 'one sender, one receiver', value: round(alone.ms / 1000, 2), unit: 's' },
        ratio: round(swarm.ms / alone.ms, 2),
        target: '<= 1.5 x',
        note: `Chromium used ${cpuUse(swarm)}; ${cpuUse(alone)} alone`,
      },
      {
        name: `${RECEIVERS} receivers, 128 MiB: least time their CPU work allows on ${cores} cores`,
        value: round(swarm.cpuSeconds / cores, 2),
        unit: 's',
        anchor: { name: 'one sender, one receiver', value: round(alone.ms / 1000, 2), unit: 's' },
        ratio: round((swarm.cpuSeconds * 1000) / cores / alone.ms, 2),
        note: 'Chromium CPU seconds / cores: the floor under the ratio above while five people share this machine',
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
