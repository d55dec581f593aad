import decodeMagnet from 'magnet-uri'
import { parseInfoHash } from './info-hash.js'
import { fail, ok, type Result } from './result.js'
import { stripControlCharacters } from './text.js'
import { parseTrackerUrl } from './tracker-url.js'

/** What a person asked to download: enough to join the swarm and fetch the metadata from peers. */
export type TorrentLink = {
  infoHash: string
  /** Display name until the metadata arrives; never trusted as a path. */
  name?: string
  /** Trackers named by the link, in addition to the app's own. */
  trackers: string[]
  /** A private share's key (base64url, checked), from a share link only: never in a magnet. */
  secret?: string
}

const MAX_MAGNET_LENGTH = 16_384
const MAX_NAME_LENGTH = 1024

export function parseMagnet(input: string): Result<TorrentLink> {
  const text = input.trim()
  if (!/^magnet:\?/i.test(text)) return fail('A magnet link starts with "magnet:?".')
  if (text.length > MAX_MAGNET_LENGTH) return fail('This magnet link is too long.')
  let decoded: ReturnType<typeof decodeMagnet>
  try {
    decoded = decodeMagnet(text)
  } catch {
    return fail('This magnet link could not be read.')
  }
  const exactTopics = ([] as string[]).concat(decoded.xt ?? [])
  const btih = exactTopics.find((xt) => /^urn:btih:/i.test(xt))
  if (!btih) return fail('This magnet link has no BitTorrent info hash (xt=urn:btih:…).')
  const infoHash = parseInfoHash(btih.slice('urn:btih:'.length))
  if (!infoHash.ok) return fail(`This magnet link's info hash is invalid. ${infoHash.error}`)
  return ok({
    infoHash: infoHash.value,
    name: cleanName(decoded.dn),
    trackers: validTrackers(decoded.tr),
  })
}

/** Keeps the valid trackers of a link and drops the rest: one bad entry must not lose the download. */
export function validTrackers(input: unknown): string[] {
  const list = ([] as unknown[]).concat(input ?? [])
  const trackers = new Set<string>()
  for (const entry of list) {
    if (typeof entry !== 'string') continue
    const tracker = parseTrackerUrl(entry)
    if (tracker.ok) trackers.add(tracker.value)
  }
  return [...trackers]
}

export function cleanName(input: unknown): string | undefined {
  const name = ([] as unknown[]).concat(input ?? []).find((n): n is string => typeof n === 'string')
  const trimmed = name === undefined ? undefined : stripControlCharacters(name).trim().slice(0, MAX_NAME_LENGTH)
  return trimmed || undefined
}
