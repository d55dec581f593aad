import { asError } from './storage-error'

/*
 * Copies of shared files a person chose to keep, in browsers that store a picked file by value
 * (Firefox, Safari; see keepsFileReferences). They live in the origin private file system, one
 * folder per share, rather than in IndexedDB: deleting a folder frees its space at once, where an
 * IndexedDB blob lingers until every page holding it has been garbage collected.
 */

const COPY_PREFIX = 'copy-'
const copyFolder = (infoHash: string): string => COPY_PREFIX + infoHash

/** Writes a copy of each file, in torrent order; a copy that fails part way is removed. */
export async function storeCopy(infoHash: string, blobs: Blob[]): Promise<void> {
  const root = await navigator.storage.getDirectory()
  const folder = await root.getDirectoryHandle(copyFolder(infoHash), { create: true })
  try {
    for (const [index, blob] of blobs.entries()) {
      const writable = await (await folder.getFileHandle(String(index), { create: true })).createWritable()
      await blob.stream().pipeTo(writable)
    }
  } catch (err) {
    await deleteCopy(infoHash)
    throw asError(err)
  }
}

/** Every stored copy, by info hash, as files read from the private file system. */
export async function loadCopies(): Promise<Map<string, Blob[]>> {
  const copies = new Map<string, Blob[]>()
  if (!navigator.storage?.getDirectory) return copies
  try {
    const root = await navigator.storage.getDirectory()
    for await (const [name, handle] of root.entries()) {
      if (!name.startsWith(COPY_PREFIX) || handle.kind !== 'directory') continue
      const files: Array<[number, File]> = []
      for await (const [index, file] of (handle as FileSystemDirectoryHandle).entries()) {
        if (file.kind === 'file') files.push([Number(index), await (file as FileSystemFileHandle).getFile()])
      }
      copies.set(
        name.slice(COPY_PREFIX.length),
        files.sort(([a], [b]) => a - b).map(([, file]) => file),
      )
    }
  } catch (err) {
    console.warn(`The stored copies of shared files could not be read: ${asError(err).message}`)
  }
  return copies
}

export async function deleteCopy(infoHash: string): Promise<void> {
  try {
    await (await navigator.storage.getDirectory()).removeEntry(copyFolder(infoHash), { recursive: true })
  } catch (err) {
    if (asError(err).name !== 'NotFoundError')
      console.warn(`Could not delete the stored copy of ${infoHash}: ${asError(err).message}`)
  }
}
