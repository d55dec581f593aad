import { downloadZip } from 'client-zip'
import { safeRelativePath } from '@swarmdrop/common'
import type { Torrent } from 'webtorrent/dist/webtorrent.min.js'
import type { ContentFile } from './content'

/*
 * Saving goes through a Blob built from a stream: the browser keeps large blobs in its own blob
 * storage (spilling to disk), so neither a file nor a zip of many is held twice in page memory.
 */

export async function saveFile(file: ContentFile): Promise<void> {
  const blob = await new Response(file.stream()).blob()
  triggerDownload(new Blob([blob], { type: file.type || 'application/octet-stream' }), lastSegment(file.name))
}

/** All files as one zip, streamed file after file; paths are made safe (no `..`, no absolute paths). */
export async function saveAllAsZip(files: ContentFile[], name: string): Promise<void> {
  async function* entries() {
    for (const file of files) {
      yield { name: safeRelativePath(file.path), input: file.stream(), size: file.length, lastModified: new Date() }
    }
  }
  const blob = await downloadZip(entries(), { buffersAreUTF8: true }).blob()
  triggerDownload(blob, `${lastSegment(name)}.zip`)
}

export function saveTorrentFile(torrent: Torrent): void {
  triggerDownload(
    new Blob([torrent.torrentFile as Uint8Array<ArrayBuffer>], { type: 'application/x-bittorrent' }),
    `${lastSegment(torrent.name)}.torrent`,
  )
}

function lastSegment(name: string): string {
  return safeRelativePath(name).split('/').pop() ?? 'download'
}

function triggerDownload(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const anchor = document.createElement('a')
  anchor.href = url
  anchor.download = fileName
  anchor.rel = 'noopener'
  document.body.append(anchor)
  anchor.click()
  anchor.remove()
  // The download has started by now; keep the URL alive a little for slow disks.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
