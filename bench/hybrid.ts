import { execFile, spawn } from 'node:child_process'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser } from '@playwright/test'
import { HybridProcess } from '../tests/e2e/hybrid.js'
import { downloadInNewContext, newSender, writeRandomFile } from './steps.js'
import { MiB, mibPerS, round, transferFigure, type Benchmark } from './types.js'

const BYTES = 256 * MiB
const ARIA2_PORT = 16_881

/**
 * 256 MiB from a classic client (aria2c, which trades on loopback) through the hybrid node into a
 * browser, beside browser-to-browser, and Node-to-browser over WebRTC alone, in one run.
 */
export const hybrid256MiB: Benchmark = async ({ browser, origin, workDir }) => {
  const seedDir = join(workDir, 'hybrid-seed')
  await mkdir(seedDir, { recursive: true })
  const path = join(seedDir, 'hybrid-256mib.bin')
  await writeRandomFile(path, BYTES)

  // Node to browser over WebRTC alone, beside browser to browser.
  const seeder = HybridProcess.start(['seed', path, '--app', origin, '--no-dht'])
  const seeding = await seeder.waitFor((event) => event.event === 'seeding', 120_000)
  const nodeToBrowserMs = await downloadInNewContext(browser, String(seeding.link))
  await seeder.stop()
  const browserToBrowserMs = await browserToBrowser(browser, origin, path)

  // Classic (aria2c, TCP) -> hybrid node -> browser (WebRTC), pipelined.
  const torrentPath = join(workDir, 'hybrid-256mib.torrent')
  await promisify(execFile)('transmission-create', ['-o', torrentPath, '-t', `${origin}/announce`, path])
  const aria2 = spawn(
    'aria2c',
    [
      '-V',
      '--seed-ratio=0.0',
      `--dir=${seedDir}`,
      `--listen-port=${ARIA2_PORT}`,
      '--enable-dht=false',
      '--bt-enable-lpd=false',
      '--enable-peer-exchange=false',
      torrentPath,
    ],
    { stdio: 'ignore' },
  )
  const bridge = HybridProcess.start([
    'bridge',
    torrentPath,
    '-o',
    join(workDir, 'hybrid-bridge'),
    '--app',
    origin,
    '--no-dht',
    '--no-utp',
  ])
  try {
    const bridging = await bridge.waitFor((event) => event.event === 'bridging', 120_000)
    const classicToBrowserMs = await downloadInNewContext(browser, `${origin}/#h=${String(bridging.infoHash)}`)
    return [
      transferFigure(
        'Node (hybrid) to browser over WebRTC, 256 MiB',
        BYTES,
        nodeToBrowserMs,
        { name: 'browser to browser, same file', ms: browserToBrowserMs },
        '>= 0.7 x browser to browser',
      ),
      {
        name: 'classic (aria2c) -> hybrid -> browser, 256 MiB',
        value: round(mibPerS(BYTES, classicToBrowserMs)),
        unit: 'MiB/s',
        note: `${round(classicToBrowserMs / 1000)} s, link opened to done`,
      },
    ]
  } finally {
    await bridge.stop()
    aria2.kill('SIGTERM')
  }
}

async function browserToBrowser(browser: Browser, origin: string, path: string): Promise<number> {
  const { context, link } = await newSender(browser, origin, path)
  const elapsedMs = await downloadInNewContext(browser, link)
  await context.close()
  return elapsedMs
}
