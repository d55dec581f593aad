import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_PORT, DEFAULT_WEB_ROOT, parseServerConfig } from './config.js'

describe('server config', () => {
  it('has embedded defaults', () => {
    assert.deepEqual(parseServerConfig({}), {
      ok: true,
      value: { port: DEFAULT_PORT, host: undefined, webRoot: DEFAULT_WEB_ROOT, extraTrackers: [], trustProxy: false },
    })
  })

  it('reads every variable', () => {
    const config = parseServerConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      WEB_ROOT: '/srv/app',
      EXTRA_TRACKERS: 'wss://a.example/announce, udp://b.example:6969',
      TRUST_PROXY: 'yes',
    })
    assert.deepEqual(config, {
      ok: true,
      value: {
        port: 0,
        host: '127.0.0.1',
        webRoot: '/srv/app',
        extraTrackers: ['wss://a.example/announce', 'udp://b.example:6969'],
        trustProxy: true,
      },
    })
  })

  it('reports every mistake with the variable it came from', () => {
    const config = parseServerConfig({ PORT: '80000', EXTRA_TRACKERS: 'ftp://x', TRUST_PROXY: 'maybe', HOST: 'a b' })
    assert.equal(config.ok, false)
    const error = config.ok ? '' : config.error
    for (const name of ['PORT', 'EXTRA_TRACKERS', 'TRUST_PROXY', 'HOST']) assert.match(error, new RegExp(name))
  })

  it('rejects ports that are not whole numbers', () => {
    for (const port of ['-1', '8080.5', 'eighty', '']) assert.equal(parseServerConfig({ PORT: port }).ok, false, port)
  })
})
