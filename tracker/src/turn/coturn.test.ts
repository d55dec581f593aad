import assert from 'node:assert/strict'
import { once } from 'node:events'
import { describe, it } from 'node:test'
import { CoturnProcess, coturnConfig, findExecutable, generateTurnSecret } from './coturn.js'

const binary = findExecutable('turnserver')

describe('embedded coturn', () => {
  it('writes a REST-credentials config, loopback peers only when asked', () => {
    const options = {
      binary: 'x',
      listeningPort: 3478,
      listeningIp: '127.0.0.1',
      relayPortRange: [50000, 50010] as [number, number],
      realm: 'r',
      secret: 's',
      allowLoopbackPeers: false,
    }
    const config = coturnConfig(options, '/run/x')
    for (const line of [
      'use-auth-secret',
      'static-auth-secret=s',
      'listening-ip=127.0.0.1',
      'min-port=50000',
      'max-port=50010',
      'no-cli',
      'userdb=/run/x/turndb',
    ]) {
      assert.ok(config.split('\n').includes(line), line)
    }
    assert.ok(!config.includes('allow-loopback-peers'))
    assert.ok(coturnConfig({ ...options, allowLoopbackPeers: true }, '/run/x').includes('allow-loopback-peers'))
  })

  it(
    'is restarted when it dies, and stops for good on stop()',
    { skip: binary ? false : 'coturn is not installed' },
    async () => {
      const coturn = new CoturnProcess({
        binary: binary!,
        listeningPort: 34_790,
        listeningIp: '127.0.0.1',
        relayPortRange: [50_900, 50_950],
        realm: 'test',
        secret: generateTurnSecret(),
        allowLoopbackPeers: false,
      })
      await coturn.start()
      if (!coturn.pid) await once(coturn, 'started')
      const firstPid = coturn.pid!
      process.kill(firstPid, 'SIGKILL')
      await once(coturn, 'exit')
      await once(coturn, 'started')
      assert.ok(coturn.pid && coturn.pid !== firstPid, 'a new coturn runs')
      const pid = coturn.pid
      await coturn.stop()
      assert.throws(() => process.kill(pid, 0), 'stopped for good')
    },
  )
})
