import { stripControlCharacters } from './text.js'

/**
 * Makes a path named by a torrent safe to write below a folder or into a zip: no `..`, no absolute
 * paths, no drive letters, `\` treated as a separator, control characters removed. Torrents come from
 * strangers; a path such as `../../.bashrc` must never leave the download folder.
 */
export function safeRelativePath(path: string): string {
  const segments = path
    .split(/[\\/]+/)
    .map((segment) =>
      stripControlCharacters(segment)
        .replace(/^[a-zA-Z]:$/, '')
        .trim(),
    )
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
  return segments.join('/') || 'file'
}
