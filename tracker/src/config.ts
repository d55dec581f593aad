import { isIP } from 'node:net'
import { fileURLToPath } from 'node:url'
import { validTrackers, fail, ok, parseTrackerUrl, type Result } from '@swarmdrop/common'

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
}

export const DEFAULT_PORT = 8080
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url))

type Env = Record<string, string | undefined>

/** Reads the server configuration from environment variables; every mistake is reported at once. */
export function parseServerConfig(env: Env): Result<ServerConfig> {
  const errors: string[] = []

  const port = parsePort(env.PORT ?? String(DEFAULT_PORT))
  if (!port.ok) errors.push(port.error)

  const host = env.HOST?.trim() || undefined
  if (host !== undefined && !isIP(host) && !/^[a-z0-9.-]+$/i.test(host)) errors.push(`HOST must be an IP address or host name, got ${JSON.stringify(host)}.`)

  const extraTrackers: string[] = []
  for (const entry of (env.EXTRA_TRACKERS ?? '').split(/[,\s]+/).filter(Boolean)) {
    const tracker = parseTrackerUrl(entry)
    if (tracker.ok) extraTrackers.push(tracker.value)
    else errors.push(`EXTRA_TRACKERS: ${tracker.error}`)
  }

  const trustProxy = parseBoolean('TRUST_PROXY', env.TRUST_PROXY, false)
  if (!trustProxy.ok) errors.push(trustProxy.error)

  if (errors.length > 0 || !port.ok || !trustProxy.ok) return fail(errors.join('\n'))
  return ok({
    port: port.value,
    host,
    webRoot: env.WEB_ROOT?.trim() || DEFAULT_WEB_ROOT,
    extraTrackers: validTrackers(extraTrackers),
    trustProxy: trustProxy.value,
  })
}

function parsePort(text: string): Result<number> {
  const port = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || port > 65_535) return fail(`PORT must be a whole number from 0 to 65535, got ${JSON.stringify(text)}.`)
  return ok(port)
}

function parseBoolean(name: string, text: string | undefined, fallback: boolean): Result<boolean> {
  if (text === undefined || text.trim() === '') return ok(fallback)
  const value = text.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(value)) return ok(true)
  if (['0', 'false', 'no', 'off'].includes(value)) return ok(false)
  return fail(`${name} must be true or false, got ${JSON.stringify(text)}.`)
}
