import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { TrackerProcess } from '../tests/e2e/tracker-process.js'
import { freePort } from '../tests/support/wait.js'
import { downloadInNewContext, newSender, POLL_MS, writeRandomFile } from './steps.js'
import { MiB, round, transferFigure, type Benchmark } from './types.js'

const BYTES = 256 * MiB
const SLOW_STEP_MS = 300_000

/**
 * The keeper with a 256 MiB private share, against the real `npm start` server: how fast it takes the
 * share from the sender's browser, how fast a browser then downloads from it alone, each beside a
 * browser-to-browser download of the same share in the same run; and the keeper process's peak memory.
 */
export const keeper256MiB: Benchmark = async ({ browser, workDir }) => {
  const path = join(workDir, 'keeper-256mib.bin')
  await writeRandomFile(path, BYTES)
  const tracker = await TrackerProcess.start(await freePort(), {
    env: { KEEPER: 'on', KEEPER_DIR: join(workDir, 'keeper'), KEEPER_MAX_SHARE_MIB: '1024' },
  })
  try {
    const origin = tracker.url
    while ((await fetch(`${origin}/api/keeper`)).status !== 200) await new Promise((r) => setTimeout(r, 100))
    const [keeperPid] = await tracker.workerPids()
    const sender = await newSender(browser, origin, path, 'private')
    const browserToBrowserMs = await downloadInNewContext(browser, sender.link)

    const askedAt = Date.now()
    await sender.page.getByRole('button', { name: 'Keep available after I leave' }).click()
    await sender.page.waitForFunction(
      () => document.querySelector('[data-testid="keeper"][data-state="kept"]') !== null,
      null,
      { polling: POLL_MS, timeout: SLOW_STEP_MS },
    )
    // The app learns "kept" at its next poll (every 2 s): at most that much is counted beyond the transfer.
    const senderToKeeperMs = Date.now() - askedAt
    await sender.context.close()
    const keeperToBrowserMs = await downloadInNewContext(browser, sender.link)
    const peakKiB = Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${keeperPid}/status`, 'utf8'))?.[1])

    return [
      transferFigure(
        'keeper takes a private share from its sender (asked to "kept"), 256 MiB',
        BYTES,
        senderToKeeperMs,
        { name: 'browser to browser, same share', ms: browserToBrowserMs },
        '>= 0.7 x browser to browser',
      ),
      transferFigure(
        'browser downloads a kept share from the keeper alone, 256 MiB',
        BYTES,
        keeperToBrowserMs,
        { name: 'browser to browser, same share', ms: browserToBrowserMs },
        '>= 0.7 x browser to browser',
      ),
      {
        name: 'keeper process peak memory, one 256 MiB share',
        value: round(peakKiB / 1024, 0),
        unit: 'MiB',
        anchor: { name: 'share size', value: 256, unit: 'MiB' },
        ratio: round(peakKiB / 1024 / 256, 2),
        // It does not grow with the share: 212 MiB with a 1 GiB share (one run, 2026-12-05).
        target: '<= 256 MiB, whatever the share size',
        note: 'VmHWM of the keeper process (the tracker’s child), after both transfers',
      },
    ]
  } finally {
    await tracker.stop('SIGTERM')
  }
}
