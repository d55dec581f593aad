import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_KEEPER_DIR, DEFAULT_PORT, DEFAULT_WEB_ROOT, parseServerConfig, type ServerConfig } from './config.js'
import { DEFAULT_LIMITS } from './ws/limits.js'

/** What an empty environment gives: every test states only what it changes. */
const DEFAULTS: ServerConfig = {
  port: DEFAULT_PORT,
  host: undefined,
  webRoot: DEFAULT_WEB_ROOT,
  extraTrackers: [],
  trustProxy: false,
  allowedOrigins: [],
  rtcConfigPerMinute: 30,
  limits: DEFAULT_LIMITS,
  logIps: false,
  logLevel: 'info',
  redisUrl: null,
  workers: 1,
  iceServers: [],
  turn: null,
  embeddedTurn: {
    enabled: true,
    binary: 'turnserver',
    port: 3478,
    relayPortRange: [49160, 49359],
    allowLoopbackPeers: false,
    ttlS: 3600,
  },
  keeper: {
    dir: DEFAULT_KEEPER_DIR,
    maxBytes: 10 * 1024 ** 3,
    maxShareBytes: 2 * 1024 ** 3,
    maxHours: 24,
    sharesPerAddressPerDay: 10,
    allowPublic: false,
  },
}

describe('server config', () => {
  it('has embedded defaults', () => {
    assert.deepEqual(parseServerConfig({}), {
      ok: true,
      value: DEFAULTS,
    })
  })

  it('reads the keeper’s limits, or turns it off', () => {
    const parsed = parseServerConfig({
      KEEPER_DIR: '/var/lib/keeper',
      KEEPER_MAX_MIB: '100',
      KEEPER_MAX_SHARE_MIB: '10',
      KEEPER_MAX_HOURS: '2',
      KEEPER_SHARES_PER_DAY: '3',
      KEEPER_PUBLIC: 'true',
    })
    assert.deepEqual(parsed.ok && parsed.value.keeper, {
      dir: '/var/lib/keeper',
      maxBytes: 100 * 1024 ** 2,
      maxShareBytes: 10 * 1024 ** 2,
      maxHours: 2,
      sharesPerAddressPerDay: 3,
      allowPublic: true,
    })
    assert.deepEqual(parseServerConfig({ KEEPER: 'off' }), { ok: true, value: { ...DEFAULTS, keeper: null } })
    const bad = parseServerConfig({ KEEPER: 'maybe', KEEPER_MAX_HOURS: '0' })
    assert.ok(!bad.ok && bad.error.includes('KEEPER must be on or off') && bad.error.includes('KEEPER_MAX_HOURS'))
  })

  it('reads allowed origins and the credential rate limit', () => {
    const config = parseServerConfig({
      ALLOWED_ORIGINS: 'https://share.example, http://localhost:5173',
      RTC_CONFIG_PER_MINUTE: '5',
    })
    assert.deepEqual(config.ok && [config.value.allowedOrigins, config.value.rtcConfigPerMinute], [
      ['https://share.example', 'http://localhost:5173'],
      5,
    ])
    for (const bad of ['share.example', 'https://share.example/path', 'null'])
      assert.equal(parseServerConfig({ ALLOWED_ORIGINS: bad }).ok, false, bad)
    assert.equal(parseServerConfig({ RTC_CONFIG_PER_MINUTE: '0' }).ok, false)
  })

  it('reads every tracker limit and the IP logging flag', () => {
    const config = parseServerConfig({
      SOCKETS_PER_IP: '0',
      IDLE_TIMEOUT_S: '60',
      MAX_OFFERS_PER_ANNOUNCE: '5',
      LOG_IPS: 'yes',
    })
    assert.ok(config.ok)
    assert.deepEqual(config.value.limits, {
      ...DEFAULT_LIMITS,
      socketsPerIp: 0,
      idleTimeoutS: 60,
      maxOffersPerAnnounce: 5,
    })
    assert.equal(config.value.logIps, true)
    const bad = parseServerConfig({ IDLE_TIMEOUT_S: '1', MAX_MESSAGE_BYTES: 'lots', LOG_IPS: 'maybe' })
    assert.ok(!bad.ok)
    assert.match(bad.error, /IDLE_TIMEOUT_S must be a whole number from 15/)
    assert.match(bad.error, /MAX_MESSAGE_BYTES/)
    assert.match(bad.error, /LOG_IPS must be true or false/)
  })

  it('reads Redis and workers; more than one worker needs Redis', () => {
    const config = parseServerConfig({ REDIS_URL: 'redis://127.0.0.1:6380', WORKERS: '2' })
    assert.ok(config.ok)
    assert.deepEqual([config.value.redisUrl, config.value.workers], ['redis://127.0.0.1:6380', 2])
    const alone = parseServerConfig({ WORKERS: '2' })
    assert.ok(!alone.ok && /WORKERS above 1 needs REDIS_URL/.test(alone.error))
    assert.equal(parseServerConfig({ REDIS_URL: 'localhost' }).ok, false)
  })

  it('reads TURN and ICE servers; configured TURN turns the embedded coturn off', () => {
    const config = parseServerConfig({
      ICE_SERVERS: '[{"urls":"stun:stun.example:3478"}]',
      TURN_URLS: 'turn:turn.example:3478?transport=udp,turns:turn.example:5349',
      TURN_SECRET: 'north',
      TURN_TTL_S: '600',
    })
    assert.equal(config.ok, true)
    if (!config.ok) return
    assert.deepEqual(config.value.iceServers, [{ urls: ['stun:stun.example:3478'] }])
    assert.deepEqual(config.value.turn, {
      urls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349'],
      secret: 'north',
      ttlS: 600,
    })
    assert.equal(config.value.embeddedTurn.enabled, false)
  })

  it('stops at bad TURN configuration with a clear message', () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ TURN_URLS: 'turn:t.example' }, /TURN_SECRET is not/],
      [{ TURN_SECRET: 'x' }, /TURN_URLS is not/],
      [{ TURN_URLS: 'http://t.example', TURN_SECRET: 'x' }, /not a turn: or turns: URL/],
      [{ TURN_TTL_S: '5' }, /TURN_TTL_S/],
      [{ ICE_SERVERS: 'not json' }, /ICE_SERVERS/],
      [{ ICE_SERVERS: '[{"urls":"turn:x"}]' }, /username and a credential/],
      [{ TURN_RELAY_PORTS: '50000-40000' }, /TURN_RELAY_PORTS/],
      [{ EMBEDDED_TURN: 'maybe' }, /EMBEDDED_TURN/],
    ]
    for (const [env, message] of cases) {
      const config = parseServerConfig(env)
      assert.match(config.ok ? '' : config.error, message, JSON.stringify(env))
    }
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
        ...DEFAULTS,
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
