import type { IceServer, RtcConfigResponse } from '@swarmdrop/common'
import type { ServerConfig } from '../config.js'
import { createTurnCredentials } from './credentials.js'

const HOST_PLACEHOLDER = '{host}'
const SAFE_HOSTNAME = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/i

/**
 * The ICE servers for one browser: the operator's STUN/TURN as configured, plus TURN with fresh
 * REST credentials. `{host}` in a URL becomes the host name the browser used to reach the app, so an
 * embedded coturn works for whoever can reach the app.
 */
export function rtcConfigFor(
  config: Pick<ServerConfig, 'iceServers' | 'turn' | 'host'>,
  hostHeader: string | undefined,
  nowMs = Date.now(),
): RtcConfigResponse {
  const host = hostnameOf(hostHeader) ?? config.host ?? 'localhost'
  const expand = (server: IceServer): IceServer => ({
    ...server,
    urls: server.urls.map((url) => url.replaceAll(HOST_PLACEHOLDER, host)),
  })
  const iceServers = config.iceServers.map(expand)
  if (!config.turn) return { iceServers, turn: false, expiresAtMs: null }
  const { username, credential, expiresAtMs } = createTurnCredentials(config.turn.secret, config.turn.ttlS, nowMs)
  iceServers.push(expand({ urls: config.turn.urls, username, credential }))
  return { iceServers, turn: true, expiresAtMs }
}

/** The host name from a Host header, or null when it is missing or not a plain host name. */
export function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null
  const withoutPort = hostHeader.trim().replace(/:\d+$/, '')
  return SAFE_HOSTNAME.test(withoutPort) ? withoutPort.toLowerCase() : null
}
