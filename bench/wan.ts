import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { chromium, type Browser } from '@playwright/test'
import { DONE_MARK, FIRST_PEER_MARK } from '@swarmdrop/common'
import { chromiumOptions } from '../tests/e2e/browsers.js'
import { channelTransferMs } from './raw-datachannel.js'
import { firstPeerMs, inNewContext, markSpanMs, newSender, openBlankPage, POLL_MS, writeRandomFile } from './steps.js'
import { medianOf, MiB, mibPerS, round, type Benchmark, type Figure } from './types.js'
import { WanNetwork, type WanPath } from './wan/network.js'

const run = promisify(execFile)
const TRACKER_CLI = fileURLToPath(new URL('../tracker/dist/cli.js', import.meta.url))
const INSTALL = fileURLToPath(new URL('../scripts/install-system-deps.sh', import.meta.url))
const PORT = 8080
const ROUNDS = 3
const IPERF_SECONDS = 12

/** The paths of issue 24, each with a transfer size that takes a few seconds at today's speed. */
const PATHS: Array<WanPath & { bytes: number }> = [
  { name: '40 ms, no loss, 100 Mbit/s', rttMs: 40, loss: 0, rateMbit: 100, bytes: 32 * MiB },
  { name: '100 ms, 0.5 % loss, 50 Mbit/s', rttMs: 100, loss: 0.005, rateMbit: 50, bytes: 4 * MiB },
  { name: '200 ms, 1 % loss, 20 Mbit/s', rttMs: 200, loss: 0.01, rateMbit: 20, bytes: 1.5 * MiB },
]

/**
 * The app on emulated wide-area paths (bench/wan/network.ts): sender, receiver and server each in a
 * network namespace of its own, Chromium in each person's. Per path, in the same run: the app's
 * throughput (first peer to done) beside one bare RTCDataChannel between the same two browsers, TCP
 * (iperf3, BBR and CUBIC) on the same link, and link opened to first peer in round trips. Medians.
 */
export const wan: Benchmark = async ({ workDir }) => {
  if (process.getuid?.() !== 0) throw new Error('The WAN benchmark needs root (network namespaces).')
  await run('bash', [INSTALL, 'iperf3', 'gcc'])
  const figures: Figure[] = []
  for (const path of PATHS) figures.push(...(await measurePath(path, workDir)))
  return figures
}

async function measurePath(path: WanPath & { bytes: number }, workDir: string): Promise<Figure[]> {
  const startedAt = Date.now()
  const step = (what: string) => console.log(`  ${path.name}: ${what} (${round((Date.now() - startedAt) / 1000)} s)`)
  const net = await WanNetwork.create(path)
  const browsers: Browser[] = []
  try {
    const origin = `http://${net.server.address}:${PORT}`
    await net.server.namespace.start(
      process.execPath,
      [TRACKER_CLI],
      {
        PORT: String(PORT),
        HOST: net.server.address,
        EMBEDDED_TURN: 'off',
        KEEPER: 'off',
        SOCKETS_PER_IP: '0',
        CONNECTIONS_PER_IP_PER_MINUTE: '0',
      },
      /Swarmdrop is running/,
    )
    step('network and server up')
    const tcp = { bbr: await iperf(net, 'bbr'), cubic: await iperf(net, 'cubic') }
    step(`TCP: BBR ${round(tcp.bbr)} Mbit/s, CUBIC ${round(tcp.cubic)} Mbit/s`)
    const [sender, receiver] = (await Promise.all(
      [net.sender, net.receiver].map(async (host) => {
        const options = chromiumOptions({ disableFeatures: ['LocalNetworkAccessChecks'] })
        const browser = await chromium.launch({
          ...options,
          // The app needs a secure context (WebCrypto, service workers, the private file system), as
          // it has behind HTTPS; the emulated server is plain http on a private address.
          args: [...(options.args ?? []), `--unsafely-treat-insecure-origin-as-secure=${origin}`],
          executablePath: await host.namespace.chromiumLauncher(workDir),
        })
        browsers.push(browser)
        return browser
      }),
    )) as [Browser, Browser]

    const bare: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      const ms = await inNewContext(sender, (from) =>
        inNewContext(receiver, async (to): Promise<number> =>
          channelTransferMs(await openBlankPage(from, origin), await openBlankPage(to, origin), path.bytes, {
            kind: 'raw',
          }),
        ),
      )
      bare.push(mibPerS(path.bytes, ms))
      step(`bare data channel: ${round(bare.at(-1)!, 2)} MiB/s`)
    }

    const file = join(workDir, `wan-${path.rttMs}ms.bin`)
    await writeRandomFile(file, path.bytes)
    const share = await newSender(sender, origin, file, 'private')
    const app: number[] = []
    const firstPeer: number[] = []
    for (let i = 0; i < ROUNDS; i++) {
      await inNewContext(receiver, async (page) => {
        firstPeer.push(await firstPeerMs(page, share.link))
        await page.waitForFunction(() => document.querySelector('[data-status="done"]') !== null, null, {
          polling: POLL_MS,
          timeout: 600_000,
        })
        step(`first peer after ${round(firstPeer.at(-1)!, 0)} ms`)
        app.push(mibPerS(path.bytes, await markSpanMs(page, FIRST_PEER_MARK, DONE_MARK)))
        step(`app: ${round(app.at(-1)!, 2)} MiB/s`)
      })
    }
    await share.context.close()

    const appMedian = medianOf(app)
    const bareMedian = medianOf(bare)
    const firstPeerMedian = medianOf(firstPeer)
    const list = (values: number[], digits = 2) => values.map((value) => round(value, digits)).join(', ')
    return [
      {
        name: `WAN ${path.name}: app throughput, ${round(path.bytes / MiB)} MiB (first peer to done)`,
        value: round(appMedian, 2),
        unit: 'MiB/s',
        anchor: { name: 'one bare RTCDataChannel, same browsers and link', value: round(bareMedian, 2), unit: 'MiB/s' },
        ratio: round(appMedian / bareMedian, 2),
        target: path.loss > 0 ? '>= 3 x one bare data channel' : '>= 0.9 x today (2.0 MiB/s)',
        note: `medians of ${ROUNDS}; app ${list(app)}; bare ${list(bare)}; TCP BBR ${round(tcp.bbr)} Mbit/s (${round((appMedian * 8 * 1.048576) / tcp.bbr, 2)} x), CUBIC ${round(tcp.cubic)} Mbit/s`,
      },
      {
        name: `WAN ${path.name}: link opened to first peer`,
        value: round(firstPeerMedian, 0),
        unit: 'ms',
        anchor: { name: 'round trip', value: path.rttMs, unit: 'ms' },
        ratio: round(firstPeerMedian / path.rttMs, 1),
        target: `<= 8 round trips + 150 ms (${8 * path.rttMs + 150} ms)`,
        note: `medians of ${ROUNDS}: ${list(firstPeer, 0)} ms (first visits: each receiver a fresh browser context)`,
      },
    ]
  } finally {
    await Promise.all(browsers.map((browser) => browser.close()))
    await net.destroy()
  }
}

/** TCP throughput from sender to receiver over the same link, in Mbit/s (iperf3, first 2 s left out). */
async function iperf(net: WanNetwork, congestionControl: 'bbr' | 'cubic'): Promise<number> {
  const server = await net.receiver.namespace.start(
    'iperf3',
    ['-s', '-1', '--forceflush', '-B', net.receiver.address],
    {},
    /Server listening/,
  )
  const { stdout } = await net.sender.namespace.exec('iperf3', [
    '-c',
    net.receiver.address,
    '-t',
    String(IPERF_SECONDS),
    '-O',
    '2',
    '-C',
    congestionControl,
    '-J',
  ])
  server.kill()
  const result = JSON.parse(stdout) as { end: { sum_received: { bits_per_second: number } } }
  return result.end.sum_received.bits_per_second / 1e6
}
