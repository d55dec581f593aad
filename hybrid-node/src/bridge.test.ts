import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { localServerConfig, SwarmdropServer } from '@swarmdrop/tracker'
import { HybridNode } from './bridge.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('HybridNode and the tracker', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmdrop-hybrid-'))
    await writeFile(join(dir, 'index.html'), '<!doctype html>')
    await writeFile(join(dir, 'shared.bin'), Buffer.alloc(64 * 1024, 7))
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('re-announces within seconds of a tracker restart', async () => {
    let server = new SwarmdropServer(localServerConfig({ webRoot: dir }))
    const { port } = await server.listen()
    const node = new HybridNode({ trackers: [`ws://127.0.0.1:${port}/announce`], dht: false, utp: false })
    try {
      await node.seed([join(dir, 'shared.bin')])
      const inSwarm = async (limitMs: number) => {
        const deadline = Date.now() + limitMs
        while (server.stats().peers === 0) {
          if (Date.now() > deadline) return false
          await sleep(25)
        }
        return true
      }
      assert.ok(await inSwarm(10_000), 'the node announced')

      await server.close()
      server = new SwarmdropServer(localServerConfig({ webRoot: dir, port }))
      await server.listen()
      const backAtMs = Date.now()
      assert.ok(await inSwarm(5_000), 'the node is back in the swarm within 5 s')
      assert.ok(Date.now() - backAtMs < 5_000)
    } finally {
      await node.destroy()
      await server.close()
    }
  })
})
