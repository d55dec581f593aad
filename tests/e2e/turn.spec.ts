import { join } from 'node:path'
import { createTurnCredentials, localServerConfig, SwarmdropServer, type RelayedSignal } from '@swarmdrop/tracker'
import { expect, randomFile, sha256, test, writeTree } from './fixtures.js'
import { SwarmdropPage } from './swarmdrop-page.js'

const MiB = 1024 * 1024

/** Records every SDP the tracker relays between peers (offers and answers). */
function recordRelayedSdp(server: SwarmdropServer): string[] {
  const sdps: string[] = []
  server.webSocketTracker.on('relayed', ({ sdp }: RelayedSignal) => sdps.push(sdp.sdp))
  return sdps
}

test.describe('through the TURN relay', () => {
  test('relay only: the file arrives, both sides are relayed, and no address leaks into the SDP', async ({
    browser,
    turnServer,
    workDir,
  }) => {
    const sdps = recordRelayedSdp(turnServer.instance)
    const [aliceContext, bobContext] = [await browser.newContext(), await browser.newContext()]
    const alice = new SwarmdropPage(await aliceContext.newPage(), turnServer.url)
    const bob = new SwarmdropPage(await bobContext.newPage(), turnServer.url)
    const hashes = await writeTree(workDir, { 'private.bin': randomFile(4 * MiB) })

    for (const person of [alice, bob]) {
      await person.openHome()
      await person.setRelayMode('Relay only')
      await expect(person.relayStatus()).toHaveAttribute('data-status', 'working')
    }
    const link = await alice.share([join(workDir, 'private.bin')])
    await bob.open(link)
    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('private.bin'))).toBe(hashes['private.bin'])

    for (const person of [alice, bob])
      await expect(person.page.getByTestId('peer').first()).toHaveAttribute('data-path', 'relayed')
    const candidates = sdps.flatMap((sdp) => sdp.split(/\r?\n/).filter((line) => line.startsWith('a=candidate')))
    expect(candidates.length).toBeGreaterThan(0)
    expect(candidates.filter((line) => !/ typ relay /.test(line))).toEqual([])
    await aliceContext.close()
    await bobContext.close()
  })

  test('fallback is the default when the server has a relay, and the relay is checked', async ({
    browser,
    turnServer,
  }) => {
    const page = new SwarmdropPage(await browser.newPage(), turnServer.url)
    await page.openHome()
    await page.openSettings()
    await expect(page.page.getByRole('radio', { name: /^Fallback\b/ })).toBeChecked()
    await expect(page.relayStatus()).toHaveAttribute('data-status', 'working')
    await page.page.context().close()
  })

  test('a tracker with the wrong secret gets its credentials refused, and the app says so', async ({
    browser,
    turnServer,
  }) => {
    const forged = new SwarmdropServer(
      localServerConfig({
        webRoot: join(import.meta.dirname, '../../web/dist'),
        turn: { ...turnServer.turn, secret: 'not-the-secret' },
      }),
    )
    const { port } = await forged.listen()
    const page = new SwarmdropPage(await browser.newPage(), `http://127.0.0.1:${port}`)
    await page.openHome()
    await page.openSettings()
    await expect(page.relayStatus()).toHaveAttribute('data-status', 'failed')
    await expect(page.relayStatus()).toContainText('refused its credentials')
    await page.page.context().close()
    await forged.close()
  })

  test('coturn accepts the credentials the tracker makes, and refuses expired or forged ones', async ({
    bob,
    turnServer,
  }) => {
    await bob.openHome()
    const allocate = (username: string, credential: string) =>
      bob.page.evaluate(
        async ({ url, username, credential }) => {
          const pc = new RTCPeerConnection({
            iceServers: [{ urls: url, username, credential }],
            iceTransportPolicy: 'relay',
          })
          const errors: number[] = []
          pc.addEventListener('icecandidateerror', (event) => errors.push(event.errorCode))
          const relayed = new Promise<boolean>((resolve) => {
            setTimeout(() => resolve(false), 5_000)
            pc.addEventListener('icecandidate', (event) =>
              event.candidate ? event.candidate.type === 'relay' && resolve(true) : resolve(false),
            )
          })
          pc.createDataChannel('x')
          await pc.setLocalDescription(await pc.createOffer())
          const ok = await relayed
          pc.close()
          return { ok, errors }
        },
        { url: turnServer.turn.urls[0]!, username, credential },
      )

    const valid = createTurnCredentials(turnServer.turn.secret, 60)
    expect(await allocate(valid.username, valid.credential)).toEqual({ ok: true, errors: [] })

    const expired = createTurnCredentials(turnServer.turn.secret, 60, Date.now() - 3_600_000)
    const refusedExpired = await allocate(expired.username, expired.credential)
    expect(refusedExpired.ok).toBe(false)
    expect(refusedExpired.errors).toContain(401)

    const forged = createTurnCredentials('guessed-secret', 60)
    const refusedForged = await allocate(forged.username, forged.credential)
    expect(refusedForged.ok).toBe(false)
    expect(refusedForged.errors).toContain(401)
  })
})

test('a server without a relay says so and how to get one', async ({ bob }) => {
  await bob.openHome()
  await bob.openSettings()
  await expect(bob.relayStatus()).toHaveAttribute('data-status', 'unavailable')
  await expect(bob.relayStatus()).toContainText('install coturn')
  await expect(bob.page.getByRole('radio', { name: /^Relay only\b/ })).toBeDisabled()
  await expect(bob.page.getByRole('radio', { name: /^Off\b/ })).toBeChecked()
})

test('the hybrid node uses the same relay config: a browser in relay-only mode downloads from it', async ({
  browser,
  turnServer,
  workDir,
}) => {
  const { HybridProcess } = await import('./hybrid.js')
  const hashes = await writeTree(workDir, { 'node-relayed.bin': randomFile(2 * MiB) })
  const seeder = HybridProcess.start([
    'seed',
    join(workDir, 'node-relayed.bin'),
    '--app',
    turnServer.url,
    '--no-dht',
    '--rtc-config',
    `${turnServer.url}/api/rtc-config`,
  ])
  try {
    const seeding = await seeder.waitFor((event) => event.event === 'seeding')
    const bob = new SwarmdropPage(await (await browser.newContext()).newPage(), turnServer.url)
    await bob.openHome()
    await bob.setRelayMode('Relay only')
    await bob.open(String(seeding.link))
    await bob.waitUntilDone()
    expect(sha256(await bob.saveFile('node-relayed.bin'))).toBe(hashes['node-relayed.bin'])
    await expect(bob.page.getByTestId('peer').first()).toHaveAttribute('data-path', 'relayed')
    await bob.page.context().close()
  } finally {
    await seeder.stop()
  }
})
