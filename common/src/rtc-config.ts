import { fail, ok, type Result } from './result.js'

/** One ICE server, as RTCPeerConnection takes it. */
export type IceServer = { urls: string[]; username?: string; credential?: string }

/** What `/api/rtc-config` answers: the ICE servers to use, and whether a TURN relay is among them. */
export type RtcConfigResponse = {
  iceServers: IceServer[]
  /** True when the list holds TURN servers with credentials. */
  turn: boolean
  /** When the TURN credentials stop working (ms since epoch), or null without TURN. */
  expiresAtMs: number | null
}

export const RTC_CONFIG_PATH = '/api/rtc-config'

const ICE_URL = /^(stun|stuns|turn|turns):[^\s]+$/i

/** Parses a JSON array of RTCIceServer objects (an operator's ICE_SERVERS, or a server answer). */
export function parseIceServers(input: unknown): Result<IceServer[]> {
  if (!Array.isArray(input)) return fail('ICE servers must be a JSON array of {"urls": ...} objects.')
  const servers: IceServer[] = []
  for (const [index, entry] of input.entries()) {
    if (typeof entry !== 'object' || entry === null) return fail(`ICE server ${index} is not an object.`)
    const { urls, username, credential } = entry as Record<string, unknown>
    const list = typeof urls === 'string' ? [urls] : urls
    if (
      !Array.isArray(list) ||
      list.length === 0 ||
      !list.every((url) => typeof url === 'string' && ICE_URL.test(url))
    ) {
      return fail(`ICE server ${index} needs "urls": stun:, stuns:, turn: or turns: URLs.`)
    }
    if (username !== undefined && typeof username !== 'string')
      return fail(`ICE server ${index}: "username" must be a string.`)
    if (credential !== undefined && typeof credential !== 'string')
      return fail(`ICE server ${index}: "credential" must be a string.`)
    const isTurn = list.some((url) => /^turns?:/i.test(url as string))
    if (isTurn && (username === undefined || credential === undefined))
      return fail(`ICE server ${index}: TURN needs a username and a credential.`)
    servers.push({
      urls: list as string[],
      ...(username !== undefined && { username }),
      ...(credential !== undefined && { credential }),
    })
  }
  return ok(servers)
}

export function parseRtcConfigResponse(input: unknown): Result<RtcConfigResponse> {
  if (typeof input !== 'object' || input === null) return fail('The ICE configuration is not a JSON object.')
  const { iceServers, turn, expiresAtMs } = input as Record<string, unknown>
  const servers = parseIceServers(iceServers)
  if (!servers.ok) return servers
  if (typeof turn !== 'boolean') return fail('The ICE configuration does not say whether TURN is available.')
  if (expiresAtMs !== null && (typeof expiresAtMs !== 'number' || !Number.isFinite(expiresAtMs)))
    return fail('The ICE configuration has an invalid expiry.')
  return ok({ iceServers: servers.value, turn, expiresAtMs })
}

export const isTurnServer = (server: IceServer): boolean => server.urls.some((url) => /^turns?:/i.test(url))
