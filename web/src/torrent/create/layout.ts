import { compareFilePaths, fail, isLeftOutOfFolders, ok, pieceLengthFor, type Result } from '@swarmdrop/common'
import type { ShareInput } from '../share-input'

/** One file of a torrent being created: its bytes and its path inside the torrent. */
export type LayoutFile = { blob: Blob; path: string[] }

/** What a shared torrent holds, before hashing: its name, files (in torrent order) and piece size. */
export type TorrentLayout = {
  name: string
  files: LayoutFile[]
  /** One loose file: the torrent names it directly (`info.length`) rather than listing files. */
  single: boolean
  length: number
  pieceLength: number
}

/**
 * Lays out the files a person dropped as one torrent. A folder keeps its name and its files their
 * paths inside it; loose files sit at the top. Hidden and junk files in folders (.DS_Store and the
 * like) are left out. Files are listed in create-torrent's order (`compareFilePaths`), never in the
 * order they were picked or dropped, so the same files always make the same torrent.
 */
export function planLayout(inputs: ShareInput[], name?: string): Result<TorrentLayout> {
  const files: LayoutFile[] = []
  for (const { file, path } of inputs) {
    const segments = (path || file.name).split('/').filter((segment) => segment !== '' && segment !== '.')
    if (segments.length === 0 || segments.includes('..')) return fail(`"${path}" is not a usable file path.`)
    // Inside a folder, hidden and junk files and folders are left out (not what a person picked directly).
    if (segments.slice(1).some(isLeftOutOfFolders)) continue
    files.push({ blob: file, path: segments })
  }
  if (files.length === 0) return fail('Nothing to share: no files were given.')
  files.sort((a, b) => compareFilePaths(a.path, b.path))
  const length = files.reduce((sum, file) => sum + file.blob.size, 0)
  if (length === 0) return fail('Nothing to share: the files are empty.')

  const [first] = files as [LayoutFile, ...LayoutFile[]]
  if (files.length === 1 && first.path.length === 1) {
    return ok({ name: name ?? first.path[0]!, files, single: true, length, pieceLength: pieceLengthFor(length) })
  }
  // Files inside one folder are listed relative to it, and the torrent takes its name.
  const root = first.path[0]!
  const oneFolder = files.every((file) => file.path.length > 1 && file.path[0] === root)
  const listed = oneFolder ? files.map((file) => ({ ...file, path: file.path.slice(1) })) : files
  return ok({
    name: name ?? (oneFolder ? root : first.path[first.path.length - 1]!),
    files: listed,
    single: false,
    length,
    pieceLength: pieceLengthFor(length),
  })
}
