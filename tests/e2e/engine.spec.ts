import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { workaroundsFor, type EngineReport } from '@swarmdrop/engine'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { expect, randomFile, test, WEB_ROOT } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'

const ENGINE_MARK = 'swarmdrop:engine'
const BROWSER_WORKAROUNDS = workaroundsFor('browser')

/** What the page's engine last reported: which workarounds it applied to webtorrent, and which it had to skip. */
const engineReport = (person: SwarmdropPage) =>
  person.page.evaluate(
    (name) =>
      (performance.getEntriesByName(name).at(-1) as PerformanceMark | undefined)?.detail as EngineReport | undefined,
    ENGINE_MARK,
  )

test("the browser's webtorrent runs with every workaround of the engine, on the sender and the receiver", async ({
  alice,
  bob,
  workDir,
}) => {
  const file = join(workDir, 'engine.bin')
  await writeFile(file, randomFile(3 * 1024 * 1024))
  const link = await alice.share([file])
  await bob.open(link)
  await expect(bob.status()).toHaveAttribute('data-status', 'done', { timeout: 30_000 })
  for (const person of [alice, bob]) {
    await expect
      .poll(async () => (await engineReport(person))?.applied.toSorted())
      .toEqual(BROWSER_WORKAROUNDS.toSorted())
    expect((await engineReport(person))?.mismatches).toEqual([])
  }
})

test("a tracker's refusal reaches the person in plain words", async ({ browser, workDir }) => {
  const config = localServerConfig({ webRoot: WEB_ROOT })
  // One swarm per connection: a tab's second torrent is refused.
  const server = new SwarmdropServer({ ...config, limits: { ...config.limits, maxSwarmsPerSocket: 1 } })
  const { port } = await server.listen()
  const context = await browser.newContext()
  try {
    const alice = new SwarmdropPage(await context.newPage(), `http://127.0.0.1:${port}`)
    const [first, second] = [join(workDir, 'first.bin'), join(workDir, 'second.bin')]
    await writeFile(first, randomFile(64 * 1024))
    await writeFile(second, randomFile(64 * 1024))
    await alice.share([first], { as: 'public' })
    // Home again without a reload (the brand link), and a second share in the same tab.
    await alice.page.getByRole('link', { name: 'Swarmdrop' }).click()
    await alice.page.getByTestId('file-input').setInputFiles([second])
    await expect(
      alice.page.getByText(/The tracker refused this torrent: “One connection may join at most 1 swarms”/).first(),
    ).toBeVisible({ timeout: 15_000 })
  } finally {
    await context.close()
    await server.close()
  }
})
