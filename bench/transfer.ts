import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { rawDataChannelTransferMs } from './raw-datachannel.js'
import { downloadMs, shareFile } from './steps.js'
import { MiB, round, type Benchmark } from './types.js'

/** 256 MiB from one browser context to another through the app, beside a raw RTCDataChannel. */
export const transfer256MiB: Benchmark = async ({ browser, origin, workDir }) => {
  const bytes = 256 * MiB
  const path = join(workDir, 'bench-256mib.bin')
  await writeFile(path, randomBytes(bytes))

  const [aliceContext, bobContext] = [await browser.newContext(), await browser.newContext()]
  const [alice, bob] = [await aliceContext.newPage(), await bobContext.newPage()]
  await alice.goto(origin + '/')
  const { link, shareMs } = await shareFile(alice, path)
  const appMs = await downloadMs(bob, link)

  const rawMs = await rawDataChannelTransferMs(await aliceContext.newPage(), await bobContext.newPage(), bytes)
  await aliceContext.close()
  await bobContext.close()

  const appRate = bytes / MiB / (appMs / 1000)
  const rawRate = bytes / MiB / (rawMs / 1000)
  return [
    {
      name: 'browser-to-browser throughput, 256 MiB (link opened to done)',
      value: round(appRate),
      unit: 'MiB/s',
      anchor: { name: 'raw RTCDataChannel, same Chromium', value: round(rawRate), unit: 'MiB/s' },
      ratio: round(appRate / rawRate, 2),
      note: `${round(appMs / 1000)} s vs ${round(rawMs / 1000)} s`,
    },
    { name: 'drop to seeding, 256 MiB (hashing + store)', value: round(shareMs / 1000, 2), unit: 's' },
  ]
}
