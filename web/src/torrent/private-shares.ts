import { equalBytes, fail, parseSecret, shareOfSpec, type Result, type SealedShare } from '@swarmdrop/common'
import type { Torrent } from 'webtorrent/dist/webtorrent.min.js'
import { openShareOf } from './content'
import type { Entry } from './entry'

/** What a private share opened without its key says. */
export const MISSING_KEY_MESSAGE =
  'This is a private share, and this link has no key (the part after “k=”), so its files cannot be opened. Ask the sender for the whole link.'

/**
 * What is inside a private share, or why it does not open: the sender knows what it sealed; a
 * receiver reads the manifest's records from the torrent (they are fetched first).
 */
export async function openPrivateShare(entry: Entry, torrent: Torrent): Promise<Result<SealedShare>> {
  const secret = entry.sealed && parseSecret(entry.sealed.secret)
  if (!secret?.ok) return fail(secret?.error ?? MISSING_KEY_MESSAGE)
  const sender = entry.sealed?.sender
  try {
    return await (sender ? shareOfSpec({ secret: secret.value, ...sender }) : openShareOf(torrent, secret.value))
  } catch (err) {
    return fail(`This private share could not be opened (${(err as Error).message}).`)
  }
}

/**
 * A private share this browser sends whose manifest (names, sizes, types) is `manifest`: its key,
 * salt and info hash. Sealed with them, the same files make the same torrent.
 */
export function sealedTwinOf(
  entries: Iterable<Entry>,
  manifest: Uint8Array,
): { secret: Uint8Array; salt: Uint8Array; infoHash: string } | null {
  for (const entry of entries) {
    const sender = entry.sealed?.sender
    const secret = entry.sealed && parseSecret(entry.sealed.secret)
    if (entry.role === 'sent' && entry.infoHash && sender && secret?.ok && equalBytes(sender.manifest, manifest))
      return { secret: secret.value, salt: sender.salt, infoHash: entry.infoHash }
  }
  return null
}
