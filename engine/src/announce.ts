/*
 * Before a download has its metadata, webtorrent announces `left: NaN`, which JSON and query strings
 * send as null or "NaN", and which bittorrent-tracker reads as 0: the download would count as a
 * seeder of what it has not got, and "the sender is offline" could never show. Any non-zero value
 * makes it a leecher; 16 KiB is what other clients send. A public option (getAnnounceOpts), not a
 * patch: nothing in the manifest.
 */
const UNKNOWN_LEFT_BYTES = 16 * 1024

/** For `client.add(id, { getAnnounceOpts: () => leftUntilMetadata(torrent) })`. */
export function leftUntilMetadata(torrent: { length?: number } | null | undefined): Record<string, number> {
  return torrent?.length ? {} : { left: UNKNOWN_LEFT_BYTES }
}
