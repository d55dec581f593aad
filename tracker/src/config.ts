import { isIP } from 'node:net'
import { fileURLToPath } from 'node:url'
import {
  validTrackers,
  fail,
  ok,
  parseIceServers,
  parsePort,
  parseTrackerUrl,
  type IceServer,
  type Result,
} from '@swarmdrop/common'
import type { KeeperConfig } from '@swarmdrop/keeper'
import { DEFAULT_LIMITS, type TrackerLimits } from './ws/limits.js'

/** TURN servers the tracker hands short-lived credentials for. `{host}` in a URL is the app's host name as the browser sees it. */
export type TurnConfig = { urls: string[]; secret: string; ttlS: number }

/** A coturn that `npm start` runs itself when no TURN is configured and coturn is installed. */
export type EmbeddedTurnConfig = {
  enabled: boolean
  binary: string
  port: number
  relayPortRange: [number, number]
  allowLoopbackPeers: boolean
  ttlS: number
}

export type ServerConfig = {
  /** TCP port for HTTP and WebSocket, and UDP port for the UDP tracker. 0 picks a free one. */
  port: number
  /** Address to bind; undefined binds every interface. */
  host: string | undefined
  /** Folder holding the built web app (index.html and assets). */
  webRoot: string
  /** Trackers the web app announces to besides this one. */
  extraTrackers: string[]
  /** Trust X-Forwarded-For from a reverse proxy when reading peer addresses. */
  trustProxy: boolean
  /**
   * Web origins allowed to open the WebSocket tracker and to ask for TURN credentials, besides the
   * app's own. Empty: any origin may use the tracker; credentials go only to the app's own pages.
   */
  allowedOrigins: string[]
  /** TURN credentials handed to one IP address per minute. */
  rtcConfigPerMinute: number
  /** What one client may do on the WebSocket tracker. */
  limits: TrackerLimits
  /** Put client IP addresses in logs (off by default: they are personal data). */
  logIps: boolean
  /** pino log level; refused client input is logged at debug. */
  logLevel: LogLevel
  /** Redis shared by several tracker instances (redis:// or rediss://); null: this process's swarms only. */
  redisUrl: string | null
  /** Tracker processes on this machine behind one port (Node's cluster); more than 1 needs Redis. */
  workers: number
  /** STUN/TURN servers the operator already runs, handed to browsers as they are. */
  iceServers: IceServer[]
  /** TURN with REST credentials, or null. */
  turn: TurnConfig | null
  embeddedTurn: EmbeddedTurnConfig
  /** The keeper's limits (it seeds private shares after their sender leaves), or null when it is off. */
  keeper: KeeperSettings | null
}

/** What the operator sets of the keeper; the tracker adds where it is (see keeper/src/keeper.ts). */
export type KeeperSettings = Omit<KeeperConfig, 'trackers' | 'rtcConfigUrl'>

export const DEFAULT_PORT = 8080
export const DEFAULT_TURN_TTL_S = 3600
export const DEFAULT_TURN_PORT = 3478
const DEFAULT_RELAY_PORTS: [number, number] = [49160, 49359]
const TURN_URL = /^turns?:[^\s,]+$/i
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))
export const DEFAULT_KEEPER_DIR = fileURLToPath(new URL('../../.swarmdrop/keeper', import.meta.url))
const MiB = 1024 * 1024

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The environment variable of each tracker limit, with the range it accepts. */
const LIMIT_VARIABLES: ReadonlyArray<[keyof TrackerLimits, string, number, number]> = [
  ['maxMessageBytes', 'MAX_MESSAGE_BYTES', 1024, 16 * 1024 * 1024],
  ['maxOffersPerAnnounce', 'MAX_OFFERS_PER_ANNOUNCE', 0, 100],
  ['maxSdpBytes', 'MAX_SDP_BYTES', 256, 1024 * 1024],
  ['maxScrapeHashes', 'MAX_SCRAPE_HASHES', 1, 10_000],
  ['maxSwarmsPerSocket', 'MAX_SWARMS_PER_SOCKET', 1, 100_000],
  ['announcesPerSocketPerMinute', 'ANNOUNCES_PER_SOCKET_PER_MINUTE', 0, 10_000_000],
  ['offersPerSocketPerMinute', 'OFFERS_PER_SOCKET_PER_MINUTE', 0, 10_000_000],
  ['maxInvalidMessagesPerSocket', 'MAX_INVALID_MESSAGES_PER_SOCKET', 1, 1_000_000],
  ['idleTimeoutS', 'IDLE_TIMEOUT_S', 15, 86_400],
  ['maxBufferedBytesPerSocket', 'MAX_BUFFERED_BYTES_PER_SOCKET', 16 * 1024, 1024 * 1024 * 1024],
  ['socketsPerIp', 'SOCKETS_PER_IP', 0, 10_000_000],
  ['connectionsPerIpPerMinute', 'CONNECTIONS_PER_IP_PER_MINUTE', 0, 10_000_000],
  ['maxConnections', 'MAX_CONNECTIONS', 0, 10_000_000],
]

/** Reads the server configuration from environment variables; every mistake is reported at once. */
export function parseServerConfig(env: Env): Result<ServerConfig> {
  const errors: string[] = []

  const port = parsePort('PORT', (env.PORT ?? String(DEFAULT_PORT)).trim())
  if (!port.ok) errors.push(port.error)

  const host = env.HOST?.trim() || undefined
  if (host !== undefined && !isIP(host) && !/^[a-z0-9.-]+$/i.test(host))
    errors.push(`HOST must be an IP address or host name, got ${JSON.stringify(host)}.`)

  const extraTrackers: string[] = []
  for (const entry of (env.EXTRA_TRACKERS ?? '').split(/[,\s]+/).filter(Boolean)) {
    const tracker = parseTrackerUrl(entry)
    if (tracker.ok) extraTrackers.push(tracker.value)
    else errors.push(`EXTRA_TRACKERS: ${tracker.error}`)
  }

  const trustProxy = parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false)
  if (!trustProxy.ok) errors.push(trustProxy.error)

  let iceServers: IceServer[] = []
  if (env.ICE_SERVERS?.trim()) {
    let json: unknown
    try {
      json = JSON.parse(env.ICE_SERVERS)
    } catch {
      json = undefined
    }
    const parsed = parseIceServers(json)
    if (parsed.ok) iceServers = parsed.value
    else errors.push(`ICE_SERVERS: ${parsed.error}`)
  }

  const allowedOrigins: string[] = []
  for (const entry of (env.ALLOWED_ORIGINS ?? '').split(/[,\s]+/).filter(Boolean)) {
    try {
      const url = new URL(entry)
      if (url.origin === 'null' || url.pathname !== '/' || url.search) throw new Error()
      allowedOrigins.push(url.origin)
    } catch {
      errors.push(`ALLOWED_ORIGINS: ${JSON.stringify(entry)} is not an origin like https://share.example`)
    }
  }
  const rtcConfigPerMinute = parseInteger('RTC_CONFIG_PER_MINUTE', env.RTC_CONFIG_PER_MINUTE, 30, 1, 100_000, errors)
  const limits = { ...DEFAULT_LIMITS }
  for (const [key, name, min, max] of LIMIT_VARIABLES)
    limits[key] = parseInteger(name, env[name], DEFAULT_LIMITS[key], min, max, errors)
  const logIps = parseBoolean('LOG_IPS', env.LOG_IPS, false)
  if (!logIps.ok) errors.push(logIps.error)
  const redisUrl = env.REDIS_URL?.trim() || null
  if (redisUrl && !/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    errors.push(`REDIS_URL must look like redis://host:6379, got ${JSON.stringify(env.REDIS_URL)}.`)
  const workers = parseInteger('WORKERS', env.WORKERS, 1, 1, 64, errors)
  if (workers > 1 && !redisUrl)
    errors.push('WORKERS above 1 needs REDIS_URL: the workers share their swarms through Redis.')
  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel
  if (!LOG_LEVELS.includes(logLevel))
    errors.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}.`)

  const turnTtlS = parseInteger('TURN_TTL_S', env.TURN_TTL_S, DEFAULT_TURN_TTL_S, 60, 7 * 24 * 3600, errors)
  const turn = parseTurn(env, turnTtlS, errors)
  const embeddedTurn = parseEmbeddedTurn(env, turnTtlS, errors)
  const keeper = parseKeeper(env, errors)

  if (errors.length > 0 || !port.ok || !trustProxy.ok || !logIps.ok) return fail(errors.join('\n'))
  return ok({
    port: port.value,
    host,
    webRoot: env.WEB_ROOT?.trim() || DEFAULT_WEB_ROOT,
    extraTrackers: validTrackers(extraTrackers),
    trustProxy: trustProxy.value,
    allowedOrigins,
    rtcConfigPerMinute,
    limits,
    logIps: logIps.value,
    logLevel,
    redisUrl,
    workers,
    iceServers,
    turn,
    embeddedTurn: { ...embeddedTurn, enabled: embeddedTurn.enabled && turn === null },
    keeper,
  })
}

function parseTurn(env: Env, ttlS: number, errors: string[]): TurnConfig | null {
  const urls = (env.TURN_URLS ?? '').split(/[,\s]+/).filter(Boolean)
  const secret = env.TURN_SECRET?.trim() ?? ''
  for (const url of urls)
    if (!TURN_URL.test(url)) errors.push(`TURN_URLS: ${JSON.stringify(url)} is not a turn: or turns: URL.`)
  if (urls.length > 0 && !secret)
    errors.push("TURN_URLS is set but TURN_SECRET is not: the tracker needs coturn's static-auth-secret.")
  if (secret && urls.length === 0) errors.push('TURN_SECRET is set but TURN_URLS is not.')
  return urls.length > 0 && secret ? { urls, secret, ttlS } : null
}

function parseEmbeddedTurn(env: Env, ttlS: number, errors: string[]): EmbeddedTurnConfig {
  const mode = (env.EMBEDDED_TURN ?? 'auto').trim().toLowerCase()
  if (mode !== 'auto' && mode !== 'off')
    errors.push(`EMBEDDED_TURN must be auto or off, got ${JSON.stringify(env.EMBEDDED_TURN)}.`)
  const allowLoopbackPeers = parseBoolean('TURN_ALLOW_LOOPBACK_PEERS', env.TURN_ALLOW_LOOPBACK_PEERS, false)
  if (!allowLoopbackPeers.ok) errors.push(allowLoopbackPeers.error)
  let relayPortRange = DEFAULT_RELAY_PORTS
  if (env.TURN_RELAY_PORTS?.trim()) {
    const match = /^(\d+)-(\d+)$/.exec(env.TURN_RELAY_PORTS.trim())
    const [low, high] = match ? [Number(match[1]), Number(match[2])] : [0, 0]
    if (!match || low < 1024 || high > 65_535 || low >= high)
      errors.push(`TURN_RELAY_PORTS must look like 49160-49359, got ${JSON.stringify(env.TURN_RELAY_PORTS)}.`)
    else relayPortRange = [low, high]
  }
  return {
    enabled: mode === 'auto',
    binary: env.TURNSERVER_BIN?.trim() || 'turnserver',
    port: parseInteger('TURN_PORT', env.TURN_PORT, DEFAULT_TURN_PORT, 1, 65_535, errors),
    relayPortRange,
    allowLoopbackPeers: allowLoopbackPeers.ok && allowLoopbackPeers.value,
    ttlS,
  }
}

function parseKeeper(env: Env, errors: string[]): KeeperSettings | null {
  const mode = (env.KEEPER ?? 'on').trim().toLowerCase()
  if (mode !== 'on' && mode !== 'off') errors.push(`KEEPER must be on or off, got ${JSON.stringify(env.KEEPER)}.`)
  const allowPublic = parseBoolean('KEEPER_PUBLIC', env.KEEPER_PUBLIC, false)
  if (!allowPublic.ok) errors.push(allowPublic.error)
  const settings = {
    dir: env.KEEPER_DIR?.trim() || DEFAULT_KEEPER_DIR,
    maxBytes: parseInteger('KEEPER_MAX_MIB', env.KEEPER_MAX_MIB, 10 * 1024, 1, 1024 ** 3, errors) * MiB,
    maxShareBytes: parseInteger('KEEPER_MAX_SHARE_MIB', env.KEEPER_MAX_SHARE_MIB, 2 * 1024, 1, 1024 ** 3, errors) * MiB,
    maxHours: parseInteger('KEEPER_MAX_HOURS', env.KEEPER_MAX_HOURS, 24, 1, 24 * 365, errors),
    sharesPerAddressPerDay: parseInteger('KEEPER_SHARES_PER_DAY', env.KEEPER_SHARES_PER_DAY, 10, 1, 1_000_000, errors),
    allowPublic: allowPublic.ok && allowPublic.value,
  }
  return mode === 'off' ? null : settings
}

function parseInteger(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
  errors: string[],
): number {
  if (text === undefined || text.trim() === '') return fallback
  const value = Number(text.trim())
  if (!Number.isInteger(value) || value < min || value > max) {
    errors.push(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}.`)
    return fallback
  }
  return value
}

function parseBoolean(name: string, text: string | undefined, fallback: boolean): Result<boolean> {
  if (text === undefined || text.trim() === '') return ok(fallback)
  const value = text.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(value)) return ok(true)
  if (['0', 'false', 'no', 'off'].includes(value)) return ok(false)
  return fail(`${name} must be true or false, got ${JSON.stringify(text)}.`)
}

/**
 * A server on 127.0.0.1, a free port, no TURN: for tests, benchmarks and scripts, where one address
 * opens hundreds of pages (so the per-address limits are off).
 */
export function localServerConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const base = parseServerConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    EMBEDDED_TURN: 'off',
    KEEPER: 'off',
    RTC_CONFIG_PER_MINUTE: '100000',
    SOCKETS_PER_IP: '0',
    CONNECTIONS_PER_IP_PER_MINUTE: '0',
  })
  if (!base.ok) throw new Error(base.error)
  return { ...base.value, ...overrides }
}
