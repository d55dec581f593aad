import bencode from 'bencode'
import { hasControlCharacters } from '@swarmdrop/common'

const decoder = new TextDecoder()

/**
 * The paths a torrent names that could leave the output folder (`..`, absolute paths, drive letters,
 * Windows separators, empty segments), read from the raw metadata before anything is written.
 * webtorrent's parser already collapses most of them; refusing such a torrent outright is clearer
 * than saving files under names their sender did not intend.
 */
export function unsafePaths(info: { name?: Uint8Array; files?: Array<{ path: Uint8Array[] }> }): string[] {
  const name = info.name ? decoder.decode(info.name) : ''
  const paths = info.files
    ? info.files.map((file) => [name, ...file.path.map((segment) => decoder.decode(segment))])
    : [[name]]
  return paths.filter((segments) => segments.some(isUnsafeSegment)).map((segments) => segments.join('/'))
}

/** The same check on the bytes of a .torrent file. */
export function unsafePathsInTorrentFile(bytes: Uint8Array): string[] {
  const decoded = bencode.decode(bytes) as { info?: { name?: Uint8Array; files?: Array<{ path: Uint8Array[] }> } }
  return decoded.info ? unsafePaths(decoded.info) : []
}

function isUnsafeSegment(segment: string): boolean {
  return (
    segment === '' ||
    segment === '.' ||
    segment === '..' ||
    /[/\\]/.test(segment) ||
    /^[a-zA-Z]:/.test(segment) ||
    hasControlCharacters(segment)
  )
}
