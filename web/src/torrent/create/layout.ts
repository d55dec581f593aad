import { fail, ok, type Result } from '@swarmdrop/common'
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

const MIN_PIECE_BYTES = 16 * 1024
const MAX_PIECE_BYTES = 1024 * 1024
/** Files operating systems leave in folders that nobody means to share. */
const JUNK_FILE = /^(\.DS_Store|\._.*|Thumbs\.db|desktop\.ini)$/i

/**
 * Pieces of about 1/256 of the torrent, a power of two between 16 KiB and 1 MiB. Each piece costs
 * the receiver's main thread about 1 ms whatever its size (its hash, its write, a "have" to every
 * peer): at 128 KiB, the usual 1/1024, that was ~15 % of it at 20 MiB/s. 1 MiB at most, because a
 * player waits for a whole piece before the first frame and after each seek.
 */
export function pieceLengthFor(bytes: number): number {
  const target = 2 ** Math.round(Math.log2(Math.max(1, bytes / 256)))
  return Math.min(MAX_PIECE_BYTES, Math.max(MIN_PIECE_BYTES, target))
}

/**
 * Lays out the files a person dropped as one torrent. A folder keeps its name and its files their
 * paths inside it; loose files sit at the top. Junk files (.DS_Store and the like) are left out.
 */
export function planLayout(inputs: ShareInput[], name?: string): Result<TorrentLayout> {
  const files: LayoutFile[] = []
  for (const { file, path } of inputs) {
    const segments = (path || file.name).split('/').filter((segment) => segment !== '' && segment !== '.')
    if (segments.length === 0 || segments.includes('..')) return fail(`"${path}" is not a usable file path.`)
    if (JUNK_FILE.test(segments[segments.length - 1]!)) continue
    files.push({ blob: file, path: segments })
  }
  if (files.length === 0) return fail('Nothing to share: no files were given.')
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
  return ok({ name: name ?? (oneFolder ? root : first.path[first.path.length - 1]!), files: listed, single: false, length, pieceLength: pieceLengthFor(length) })
}
