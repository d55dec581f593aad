import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { engineReport, WEBTORRENT_VERSION, workaroundsFor } from '../index.js'
import { RUNTIME_OF, transfer, type Build, type Transfer } from './swarm.js'

const BUILDS: Record<Build, string> = {
  browser: 'the browser bundle the app runs',
  node: 'the Node build the hybrid node runs',
}

/**
 * The contract of one build, in a test process of its own (the engine's report is per process): two
 * of its clients move a file with the engine applied.
 */
export function describeContract(build: Build, more?: (swarm: () => Transfer) => void): void {
  describe(`webtorrent ${WEBTORRENT_VERSION}, ${BUILDS[build]}`, () => {
    let swarm: Transfer
    before(async () => {
      swarm = await transfer(build)
    })
    after(() => swarm?.close())

    it('moves a file between two clients whole, with the engine applied', () => {
      assert.ok(Buffer.from(swarm.received).equals(Buffer.from(swarm.sent)))
    })

    it("has every member the engine's workarounds touch, and each workaround of its runtime was applied", () => {
      const { applied, mismatches } = engineReport()
      assert.deepEqual(mismatches, [])
      const runtime = RUNTIME_OF[build]
      const expected = workaroundsFor(runtime)
      assert.deepEqual(
        expected.filter((id) => !applied.includes(id)),
        [],
      )
    })

    more?.(() => swarm)
  })
}
