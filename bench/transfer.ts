import { join } from 'node:path'
import { rawDataChannelTransferMs } from './raw-datachannel.js'
import { downloadMs, longestTaskMs, shareFile, watchLongTasks, writeRandomFile } from './steps.js'
import { MiB, round, type Benchmark } from './types.js'

/** 256 MiB from one browser context to another through the app, beside a raw RTCDataChannel. */
export const transfer256MiB: Benchmark = async ({ browser, origin, workDir }) => {
  const bytes = 256 * MiB
  const path = join(workDir, 'bench-256mib.bin')
  await writeRandomFile(path, bytes)

  const [aliceContext, bobContext] = [await browser.newContext(), await browser.newContext()]
  await watchLongTasks(bobContext)
  const [alice, bob] = [await aliceContext.newPage(), await bobContext.newPage()]
  await alice.goto(origin + '/')
  const { link } = await shareFile(alice, path)
  const appMs = await downloadMs(bob, link)
  const longestMs = await longestTaskMs(bob)

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
      target: '>= 0.85 x raw',
      note: `${round(appMs / 1000)} s vs ${round(rawMs / 1000)} s`,
    },
    { name: 'longest main-thread task while receiving 256 MiB', value: round(longestMs), unit: 'ms', target: '<= 100 ms', note: '0 means none of 50 ms or more' },
  ]
}
