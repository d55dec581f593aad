import {
  decryptFileRange,
  manifestFilePath,
  openSealedShare,
  recordsOfRange,
  SEALED_TORRENT_NAME,
  type SealedFileSpan,
  type SealedShare,
} from '@swarmdrop/common'
import type { Torrent } from 'webtorrent/dist/webtorrent.min.js'

/** Bytes `start`..`end` of a file, inclusive. */
export type ByteRange = { start: number; end: number }

/**
 * One file as the person sees it, whatever the torrent: a public torrent's file as it is, or a
 * private share's file decrypted on the fly. Saving, zips, previews and the player read through this.
 */
export type ContentFile = {
  readonly path: string
  readonly name: string
  readonly length: number
  /** Media type ('' if unknown). */
  readonly type: string
  /** The file's bytes (or a range of them); pieces it needs are fetched first. */
  stream(range?: ByteRange): ReadableStream<Uint8Array>
  /** The torrent's bytes, inclusive, that hold the file's last `bytes` (what a player reads before it seeks). */
  tailRange(bytes: number): ByteRange
}

/** A torrent whose single file is a private share's records. */
export const isSealedTorrent = (torrent: Torrent): boolean =>
  torrent.name === SEALED_TORRENT_NAME && torrent.files.length === 1

export function publicFiles(torrent: Torrent): ContentFile[] {
  return torrent.files.map((file) => ({
    path: file.path,
    name: file.name,
    length: file.length,
    type: file.type,
    stream: (range) => file.stream(range),
    tailRange: (bytes) => ({
      start: Math.max(file.offset, file.offset + file.length - bytes),
      end: file.offset + file.length - 1,
    }),
  }))
}

/**
 * A private share's files. `onFailure` hears of a record that failed authentication (the file is
 * damaged or was tampered with): its stream errors, and nothing unverified is ever returned.
 */
export function sealedFiles(
  torrent: Torrent,
  share: SealedShare,
  onFailure: (file: string, err: Error) => void,
): ContentFile[] {
  const records = torrent.files[0]!
  return share.manifest.files.map((file, index) => {
    const span = share.plan.files[index]!
    const path = sealedPath(share, index)
    return {
      path,
      name: file.path[file.path.length - 1]!,
      length: file.length,
      type: file.type,
      stream(range) {
        const { start, end } = range ?? { start: 0, end: file.length - 1 }
        if (file.length === 0) return new ReadableStream({ start: (controller) => controller.close() })
        const { cipherStart, cipherEnd } = recordsOfRange(span, start, end)
        return toStream(
          decryptFileRange(share, index, start, end, iterate(records.stream({ start: cipherStart, end: cipherEnd }))),
          (err) => onFailure(path, err),
        )
      },
      tailRange(bytes) {
        if (file.length === 0) return { start: 0, end: 0 }
        const { cipherStart, cipherEnd } = recordsOfRange(span, Math.max(0, file.length - bytes), file.length - 1)
        return { start: cipherStart, end: cipherEnd }
      },
    }
  })
}

/** A private share's file's path as a public torrent of the same files would name it, so saving and zips look the same either way. */
export const sealedPath = ({ manifest }: SealedShare, index: number): string =>
  manifestFilePath(manifest, index).join('/')

/** Opens a private share from its torrent once the torrent is ready (its first records are fetched first). */
export function openShareOf(torrent: Torrent, secret: Uint8Array): ReturnType<typeof openSealedShare> {
  const records = torrent.files[0]!
  const read = async (start: number, end: number) =>
    new Uint8Array(await new Response(records.stream({ start, end: end - 1 })).arrayBuffer())
  return openSealedShare(secret, records.length, read)
}

/** How much of a private share's file has arrived: the share of its pieces verified. */
export function sealedFileProgress(torrent: Torrent, span: SealedFileSpan): number {
  if (torrent.done || span.records === 0) return 1
  const { cipherStart, cipherEnd } = recordsOfRange(span, 0, span.length - 1)
  const first = Math.floor(cipherStart / torrent.pieceLength)
  const last = Math.floor(cipherEnd / torrent.pieceLength)
  let have = 0
  for (let piece = first; piece <= last; piece++) if (torrent.bitfield?.get(piece)) have++
  return have / (last - first + 1)
}

async function* iterate(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader()
  try {
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value
  } finally {
    void reader.cancel().catch(() => {})
  }
}

export function toStream(
  chunks: AsyncGenerator<Uint8Array>,
  onError: (err: Error) => void,
): ReadableStream<Uint8Array> {
  // A reader that cancels (a player seeking elsewhere, a page left) while a chunk is on its way is no
  // failure: that chunk is dropped, and nothing is reported.
  let cancelled = false
  return new ReadableStream({
    async pull(controller) {
      let next: IteratorResult<Uint8Array>
      try {
        next = await chunks.next()
      } catch (err) {
        if (cancelled) return
        onError(err as Error)
        controller.error(err)
        return
      }
      if (cancelled) return
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    cancel: () => {
      cancelled = true
      void chunks.return(undefined)
    },
  })
}
