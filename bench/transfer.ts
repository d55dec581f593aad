import { join } from 'node:path'
import { rawDataChannelTransferMs } from './raw-datachannel.js'
import { downloadMs, longestTaskMs, shareFile, watchLongTasks, withCpuSeconds, writeRandomFile } from './steps.js'
import { cpuUse, MiB, round, transferFigure, type Benchmark } from './types.js'

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
  const app = await withCpuSeconds(browser, () => downloadMs(bob, link))
  const longestMs = await longestTaskMs(bob)

  const [rawSender, rawReceiver] = [await aliceContext.newPage(), await bobContext.newPage()]
  const raw = await withCpuSeconds(browser, () => rawDataChannelTransferMs(rawSender, rawReceiver, bytes))
  await aliceContext.close()
  await bobContext.close()

  const throughput = transferFigure('browser-to-browser throughput, 256 MiB (link opened to done)', bytes, app.ms, { name: 'raw RTCDataChannel, same Chromium', ms: raw.ms }, '>= 0.85 x raw')
  return [
    { ...throughput, note: `${throughput.note}; Chromium used ${cpuUse(app)}, raw ${cpuUse(raw)}` },
    { name: 'longest main-thread task while receiving 256 MiB', value: round(longestMs), unit: 'ms', target: '<= 100 ms', note: '0 means none of 50 ms or more' },
  ]
}
