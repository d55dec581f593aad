/// <reference lib="webworker" />
import type { ByteSource } from '@swarmdrop/common'
import { openSource, verifiedSource, type SourceSpec } from '../source'

export type SourceRequest =
  | { id: number; op: 'open'; spec: SourceSpec; pieceHashes: Uint8Array | null; pieceLength: number }
  | { id: number; op: 'read'; start: number; end: number }
export type SourceReply = { id: number; bytes: Uint8Array } | { id: number; error: string }

/**
 * Produces a shared torrent's bytes off the page's thread: for a private share, reading the files,
 * sealing their records and checking each piece's hash, so the page only hands windows to peers.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope
let source: Promise<ByteSource> | null = null

scope.onmessage = async ({ data }: MessageEvent<SourceRequest>) => {
  try {
    if (data.op === 'open') {
      const { spec, pieceHashes, pieceLength } = data
      source = openSource(spec).then((opened) =>
        pieceHashes ? verifiedSource(opened, pieceHashes, pieceLength) : opened,
      )
      await source
      return scope.postMessage({ id: data.id, bytes: new Uint8Array(0) } satisfies SourceReply)
    }
    if (!source) throw new Error('the source was not opened')
    const bytes = await (await source).read(data.start, data.end)
    scope.postMessage({ id: data.id, bytes } satisfies SourceReply, [bytes.buffer as ArrayBuffer])
  } catch (err) {
    scope.postMessage({ id: data.id, error: (err as Error).message || String(err) } satisfies SourceReply)
  }
}
