import type { IncomingMessage } from 'node:http'

/**
 * Which pages may use the server. A request without an Origin header comes from a non-browser client
 * (a BitTorrent client, the hybrid node) and is not an origin question. The app's own origin is the
 * request's Host, as http or https (or as the proxy says, when it is trusted).
 */
export function isOriginAllowed(
  req: IncomingMessage,
  allowedOrigins: string[],
  options: { anyOriginWhenUnset: boolean },
): boolean {
  const origin = req.headers.origin
  if (origin === undefined) return true
  if (allowedOrigins.includes(origin)) return true
  const host = req.headers['x-forwarded-host'] ?? req.headers.host
  if (host && (origin === `http://${host}` || origin === `https://${host}`)) return true
  return allowedOrigins.length === 0 && options.anyOriginWhenUnset
}
