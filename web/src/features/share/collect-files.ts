import type { ShareInput } from '../../torrent'

/*
 * Turns what a person dropped or picked into files with their paths inside the shared folder.
 * Folders dropped in Chromium, Firefox and Safari are walked through the File and Directory
 * Entries API; the folder picker gives `webkitRelativePath`.
 */

export async function collectDropped(dataTransfer: DataTransfer): Promise<ShareInput[]> {
  const entries = [...dataTransfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.())
    .filter((entry): entry is FileSystemEntry => Boolean(entry))
  if (entries.length === 0) return fromFileList(dataTransfer.files)
  const nested = await Promise.all(entries.map((entry) => walk(entry)))
  return nested.flat()
}

export function fromFileList(files: FileList | File[]): ShareInput[] {
  return [...files].map((file) => ({ file, path: file.webkitRelativePath || file.name }))
}

async function walk(entry: FileSystemEntry): Promise<ShareInput[]> {
  const path = entry.fullPath.replace(/^\//, '')
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject))
    return [{ file, path }]
  }
  const children = await readAllEntries((entry as FileSystemDirectoryEntry).createReader())
  const nested = await Promise.all(children.map((child) => walk(child)))
  return nested.flat()
}

/** readEntries returns at most ~100 entries a call; keep reading until it returns none. */
async function readAllEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const all: FileSystemEntry[] = []
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject))
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

export const isTorrentFile = (file: File): boolean =>
  /\.torrent$/i.test(file.name) || file.type === 'application/x-bittorrent'
