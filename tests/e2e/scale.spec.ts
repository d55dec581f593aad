import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, BrowserContext } from '@playwright/test'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { RedisServer } from '../support/redis-server.js'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'
import { TrackerProcess } from './tracker-process.js'
import { freePort } from '../support/wait.js'

const MiB = 1024 * 1024
const WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

const contexts: BrowserContext[] = []

async function personAt(browser: Browser, origin: string): Promise<SwarmdropPage> {
  const context = await browser.newContext()
  contexts.push(context)
  return new SwarmdropPage(await context.newPage(), origin)
}

test.describe('several tracker instances sharing swarms through Redis', () => {
  let redis: RedisServer
  test.beforeAll(async () => {
    redis = await RedisServer.start()
  })
  test.afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()))
  })
  test.afterAll(async () => {
    await redis.stop()
  })

  test('two instances: a sender on one, a receiver on the other, and the file arrives', async ({
    browser,
    workDir,
  }) => {
    const instances = [
      new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT, redisUrl: redis.url })),
      new SwarmdropServer(localServerConfig({ webRoot: WEB_ROOT, redisUrl: redis.url })),
    ]
    const [one, two] = await Promise.all(
      instances.map(async (instance) => `http://127.0.0.1:${(await instance.listen()).port}`),
    )
    try {
      const hashes = await writeTree(workDir, { 'across.bin': randomFile(4 * MiB) })
      const alice = await personAt(browser, one!)
      const link = await alice.share([join(workDir, 'across.bin')])
      // The same torrent, opened on the other instance: each browser announces only to its own origin.
      const bob = await personAt(browser, two!)
      await bob.open(`${two}/${new URL(link).hash}`)
      await bob.waitUntilDone()
      expect(sha256(await bob.saveFile('across.bin'))).toBe(hashes['across.bin'])
      expect([alice.cspViolations, bob.cspViolations]).toEqual([[], []])
    } finally {
      await Promise.all(instances.map((instance) => instance.close()))
    }
  })

  test('npm start -- --workers 2: two processes behind one port serve the app and the swarm, and survive their deaths', async ({
    browser,
    workDir,
  }) => {
    const tracker = await TrackerProcess.start(await freePort(), {
      env: { REDIS_URL: redis.url },
      args: ['--workers', '2'],
    })
    try {
      // Connections are handed round-robin: once both workers listen, fresh connections reach both.
      const instances = new Set<string>()
      const healthz = async () =>
        (
          (await (await fetch(`${tracker.url}/healthz`, { headers: { Connection: 'close' } })).json()) as {
            instance: string
          }
        ).instance
      await expect.poll(async () => instances.add(await healthz()).size, { timeout: 10_000 }).toBe(2)

      const hashes = await writeTree(workDir, { 'workers.bin': randomFile(4 * MiB) })
      const alice = await personAt(browser, tracker.url)
      const link = await alice.share([join(workDir, 'workers.bin')])
      const bob = await personAt(browser, tracker.url)
      await bob.open(link)
      await bob.waitUntilDone()
      expect(sha256(await bob.saveFile('workers.bin'))).toBe(hashes['workers.bin'])

      // Every worker dies at once (Alice's among them); new ones take over, Alice reconnects and
      // announces again, and a newcomer still finds her.
      const before = await tracker.workerPids()
      for (const pid of before) process.kill(pid, 'SIGKILL')
      await expect
        .poll(async () => (await tracker.workerPids()).filter((pid) => !before.includes(pid)).length, {
          timeout: 10_000,
        })
        .toBe(2)
      await expect
        .poll(
          () =>
            fetch(`${tracker.url}/healthz`).then(
              (response) => response.ok,
              () => false,
            ),
          { timeout: 10_000 },
        )
        .toBe(true)
      const carol = await personAt(browser, tracker.url)
      await carol.open(link)
      await carol.waitUntilDone()
      expect(sha256(await carol.saveFile('workers.bin'))).toBe(hashes['workers.bin'])
    } finally {
      await tracker.stop('SIGTERM')
    }
  })
})
