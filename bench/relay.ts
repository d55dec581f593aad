import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser } from '@playwright/test'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { SwarmdropPage } from '../tests/e2e/swarmdrop-page.js'
import { startTestCoturn } from '../tests/e2e/turn.js'
import { downloadMs, shareFile, writeRandomFile } from './steps.js'
import { MiB, transferFigure, type Benchmark } from './types.js'

const WEB_ROOT = fileURLToPath(new URL('../web/dist', import.meta.url))
const BYTES = 128 * MiB

/** 128 MiB through coturn (both sides "Relay only") beside the same transfer direct, in one run. */
export const relay128MiB: Benchmark = async ({ browser, workDir }) => {
  const path = join(workDir, 'relay-128mib.bin')
  await writeRandomFile(path, BYTES)
  const { coturn, turn } = await startTestCoturn(90)
  const server = new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT, turn }))
  const { port } = await server.listen()
  try {
    const origin = `http://127.0.0.1:${port}`
    const directMs = await transferMs(browser, origin, path, 'Off')
    const relayedMs = await transferMs(browser, origin, path, 'Relay only')
    return [
      transferFigure('relayed transfer through coturn, 128 MiB', BYTES, relayedMs, {
        name: 'direct transfer, same run',
        ms: directMs,
      }),
    ]
  } finally {
    await server.close()
    await coturn.stop()
  }
}

async function transferMs(browser: Browser, origin: string, path: string, mode: 'Off' | 'Relay only'): Promise<number> {
  const [aliceContext, bobContext] = [await browser.newContext(), await browser.newContext()]
  const [alice, bob] = [await aliceContext.newPage(), await bobContext.newPage()]
  for (const page of [alice, bob]) {
    const person = new SwarmdropPage(page, origin)
    await person.openHome()
    await person.setRelayMode(mode)
  }
  const { link } = await shareFile(alice, path)
  const elapsedMs = await downloadMs(bob, link)
  await aliceContext.close()
  await bobContext.close()
  return elapsedMs
}
