import { TRACKER_ANNOUNCE_PATH, TRACKER_PROTOCOLS } from './constants.js'
import { fail, ok, type Result } from './result.js'

const MAX_TRACKER_URL_LENGTH = 2048

/** A tracker URL a peer may announce to: ws, wss, http, https or udp, with a host. */
export function parseTrackerUrl(input: string): Result<string> {
  if (input.length > MAX_TRACKER_URL_LENGTH) return fail('Tracker URL is too long.')
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    return fail(`Not a tracker URL: ${JSON.stringify(input)}`)
  }
  if (!(TRACKER_PROTOCOLS as readonly string[]).includes(url.protocol)) {
    return fail(`Unsupported tracker protocol ${url.protocol} (use ${TRACKER_PROTOCOLS.join(', ')})`)
  }
  if (!url.hostname) return fail(`Tracker URL has no host: ${JSON.stringify(input)}`)
  return ok(url.href)
}

/** The WebSocket tracker served by the app at `origin` (ws:// for http, wss:// for https). */
export function originTrackerUrl(origin: string): string {
  const url = new URL(TRACKER_ANNOUNCE_PATH, origin)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}
