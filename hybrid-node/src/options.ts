import { existsSync, readFileSync } from 'node:fs'
import { fail, ok, parseTorrentLinkText, parseTrackerUrl, type Result, type TorrentLink } from '@swarmdrop/common'

/** What to download: a link (magnet, share link, info hash) or the bytes of a .torrent file. */
export type Source = { kind: 'link'; link: TorrentLink } | { kind: 'file'; path: string; bytes: Uint8Array }

const MAX_TORRENT_FILE_BYTES = 16 * 1024 * 1024

/** A magnet, share link or info hash; or a path to a .torrent file. */
export function parseSource(
  text: string,
  readFile: (path: string) => Uint8Array = (path) => readFileSync(path),
): Result<Source> {
  if (/\.torrent$/i.test(text) || (existsSync(text) && !/^[0-9a-f]{40}$/i.test(text))) {
    let bytes: Uint8Array
    try {
      bytes = readFile(text)
    } catch (err) {
      return fail(`Cannot read ${text}: ${(err as Error).message}`)
    }
    if (bytes.length > MAX_TORRENT_FILE_BYTES) return fail(`${text} is too large to be a .torrent file.`)
    return ok({ kind: 'file', path: text, bytes })
  }
  const link = parseTorrentLinkText(text)
  return link.ok ? ok({ kind: 'link', link: link.value }) : fail(`${JSON.stringify(text)}: ${link.error}`)
}

/** The app's URL gives the default trackers: its WebSocket tracker for browsers, HTTP and UDP for classic clients. */
export function trackersForApp(appUrl: string): Result<string[]> {
  let url: URL
  try {
    url = new URL(appUrl)
  } catch {
    return fail(`--app must be the app's URL, like http://localhost:8080, got ${JSON.stringify(appUrl)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return fail(`--app must be an http(s) URL, got ${JSON.stringify(appUrl)}`)
  const secure = url.protocol === 'https:'
  const port = url.port || (secure ? '443' : '80')
  return ok([
    `${secure ? 'wss' : 'ws'}://${url.host}/announce`,
    `${url.protocol}//${url.host}/announce`,
    `udp://${url.hostname}:${port}`,
  ])
}

export function parseTrackers(list: string[]): Result<string[]> {
  const trackers: string[] = []
  for (const entry of list) {
    const tracker = parseTrackerUrl(entry)
    if (!tracker.ok) return fail(`--tracker: ${tracker.error}`)
    trackers.push(tracker.value)
  }
  return ok(trackers)
}

/** "host:port,host:port" for --dht-bootstrap. */
export function parseHostPorts(text: string): Result<string[]> {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
  for (const entry of entries) {
    const match = /^(\[[0-9a-f:]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(entry)
    if (!match || Number(match[2]) > 65_535 || Number(match[2]) === 0)
      return fail(`--dht-bootstrap takes host:port entries, got ${JSON.stringify(entry)}`)
  }
  return ok(entries)
}

const RATE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
}

/** A rate like "2MB/s", "500k" or "1048576" in bytes per second. */
export function parseRate(name: string, text: string): Result<number> {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)(?:\/s)?$/i.exec(text.trim())
  const unit = match ? RATE_UNITS[match[2]!.toLowerCase()] : undefined
  if (!match || unit === undefined)
    return fail(`${name} takes a rate like 2MB/s, 500kB/s or a number of bytes per second, got ${JSON.stringify(text)}`)
  return ok(Math.round(Number(match[1]) * unit))
}
