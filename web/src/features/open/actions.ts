import { parseTorrentLinkText, type TorrentLink } from '@swarmdrop/common'
import { linkOf, torrents, type ShareInput } from '../../torrent'
import { goToTorrent } from '../../route'
import { getSettings } from '../../settings'
import { isTorrentFile } from '../share/collect-files'

/** Largest .torrent file read; real ones are kilobytes, a few megabytes for huge folders. */
const MAX_TORRENT_FILE_BYTES = 16 * 1024 * 1024

/** Files from a drop, a picker or a paste: one .torrent file opens it, anything else is shared. */
export async function takeFiles(inputs: ShareInput[]): Promise<void> {
  const [only] = inputs
  if (inputs.length === 1 && only && isTorrentFile(only.file)) return openTorrentFile(only.file)
  return shareFiles(inputs)
}

export async function shareFiles(inputs: ShareInput[]): Promise<void> {
  if (inputs.length === 0) throw new Error('Nothing to share: the folder is empty.')
  const rootFolders = new Set(inputs.map((input) => (input.path.includes('/') ? input.path.split('/')[0] : null)))
  const [rootFolder] = rootFolders
  // One folder keeps its name; loose files get one so the torrent is not named after the first file.
  const name =
    rootFolders.size === 1 && rootFolder ? rootFolder : inputs.length > 1 ? `${inputs.length} files` : undefined
  goToOpened(await torrents().share(inputs, { name, privately: getSettings().sharePrivately }))
}

export async function openTorrentFile(file: File): Promise<void> {
  if (file.size > MAX_TORRENT_FILE_BYTES) throw new Error(`"${file.name}" is too large to be a .torrent file.`)
  const bytes = new Uint8Array(await file.arrayBuffer())
  let infoHash: string
  try {
    infoHash = await torrents().open(bytes)
  } catch (err) {
    throw new Error(`"${file.name}" could not be opened: ${(err as Error).message}`, { cause: err })
  }
  goToOpened(infoHash)
}

/** Shows a torrent that was just shared or opened, under the same link others get. */
function goToOpened(infoHash: string): void {
  const opened = torrents()
    .getSnapshot()
    .find((torrent) => torrent.infoHash === infoHash)
  goToTorrent((opened && linkOf(opened)) ?? { infoHash, trackers: [] })
}

/** A pasted or typed share link, magnet or info hash. Throws a readable error for anything else. */
export function openLinkText(text: string): void {
  const link = parseTorrentLinkText(text)
  if (!link.ok) throw new Error(link.error)
  openLink(link.value)
}

export function openLink(link: TorrentLink): void {
  goToTorrent(link)
}
