import { parseInfoHash } from './info-hash.js'
import { cleanName, parseMagnet, validTrackers, type TorrentLink } from './magnet.js'
import { fail, ok, type Result } from './result.js'
import { parseSecret } from './sealed/secret.js'

/*
 * A share link is the app's URL with the torrent in the fragment, so it never reaches a server:
 *   https://swarmdrop.example/#h=<40 hex info hash>&dn=<name>&tr=<extra tracker>...   (public torrent)
 *   https://swarmdrop.example/#h=<40 hex info hash>&k=<key>&tr=<extra tracker>...     (private share)
 * A private share's link names no file: the names are inside, encrypted with the key.
 * The fragment may also hold a whole magnet URI or a bare info hash (hex or base32).
 */

export function formatShareLink(origin: string, link: TorrentLink): string {
  const params = new URLSearchParams({ h: link.infoHash })
  if (link.secret) params.set('k', link.secret)
  else if (link.name) params.set('dn', link.name)
  for (const tracker of link.trackers) params.append('tr', tracker)
  return `${origin}/#${params.toString()}`
}

/** Parses the fragment of a share link (with or without the leading `#`). Empty means "no link". */
export function parseShareFragment(fragment: string): Result<TorrentLink | null> {
  const text = fragment.replace(/^#/, '').trim()
  if (!text) return ok(null)
  if (/^magnet(:|%3A)/i.test(text)) return parseMagnet(safeDecode(text))

  const bare = parseInfoHash(text)
  if (bare.ok) return ok({ infoHash: bare.value, trackers: [] })

  const params = new URLSearchParams(text)
  const hash = params.get('h')
  if (hash === null) return fail('This link does not name anything to download. Ask the sender for the link again.')
  const infoHash = parseInfoHash(hash)
  if (!infoHash.ok)
    return fail('This link is damaged or incomplete: its info hash is not valid. Ask the sender for the link again.')
  const link: TorrentLink = {
    infoHash: infoHash.value,
    name: cleanName(params.get('dn')),
    trackers: validTrackers(params.getAll('tr')),
  }
  const key = params.get('k')
  if (key === null) return ok(link)
  const secret = parseSecret(key)
  return secret.ok ? ok({ ...link, name: undefined, secret: key }) : secret
}

/** Anything a person may paste or type: a share link, a magnet URI or an info hash. */
export function parseTorrentLinkText(input: string): Result<TorrentLink> {
  const text = input.trim()
  if (!text) return fail('Paste a share link, a magnet link or an info hash.')
  if (/^magnet:/i.test(text)) return parseMagnet(text)
  if (/^https?:\/\//i.test(text)) {
    let url: URL
    try {
      url = new URL(text)
    } catch {
      return fail('This link could not be read.')
    }
    const parsed = parseShareFragment(url.hash)
    if (!parsed.ok) return parsed
    return parsed.value ? ok(parsed.value) : fail('This link does not name anything to download.')
  }
  const parsed = parseShareFragment(text)
  if (!parsed.ok) return parsed
  return parsed.value ? ok(parsed.value) : fail('Paste a share link, a magnet link or an info hash.')
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
