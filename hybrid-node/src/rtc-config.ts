import { parseRtcConfigResponse, type IceServer } from '@swarmdrop/common'

/**
 * ICE servers from a Swarmdrop app's /api/rtc-config (STUN, and TURN with short-lived credentials), in
 * the form Node's WebRTC takes, and when its credentials expire. Throws an Error that says what failed.
 */
export async function fetchRtcConfig(url: string): Promise<{ iceServers: IceServer[]; expiresAtMs: number | null }> {
  let json: unknown
  try {
    const response = await fetch(url)
    if (!response.ok) throw new Error(`the server answered ${response.status}`)
    json = await response.json()
  } catch (err) {
    throw new Error(`could not fetch ${url}: ${(err as Error).message}`, { cause: err })
  }
  const config = parseRtcConfigResponse(json)
  if (!config.ok) throw new Error(config.error)
  return {
    // Node's WebRTC builds "turn:user:pass@host" without encoding, and REST usernames contain ":".
    iceServers: config.value.iceServers.map((server) => ({
      ...server,
      ...(server.username !== undefined && { username: encodeURIComponent(server.username) }),
      ...(server.credential !== undefined && { credential: encodeURIComponent(server.credential) }),
    })),
    expiresAtMs: config.value.expiresAtMs,
  }
}
