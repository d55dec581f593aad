import { fail, ok, type Result } from './result.js'

/** A TCP/UDP port from configuration or a flag: digits only, 0 to 65535 (0 lets the system pick). */
export function parsePort(name: string, text: string): Result<number> {
  const port = Number(text)
  return /^\d+$/.test(text) && port <= 65_535
    ? ok(port)
    : fail(`${name} must be a port number from 0 to 65535 (0 picks a free one), got ${JSON.stringify(text)}.`)
}
