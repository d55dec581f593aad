/// <reference lib="webworker" />
import { hashPieces, type HashJob } from './hash-pieces'

export type HashRequest = HashJob & { id: number; pieceLength: number }
export type HashReply = { id: number; hashes: Uint8Array } | { id: number; error: string }

/** Hashes pieces off the page's thread; a share's jobs are spread over a few of these workers. */
const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = async ({ data }: MessageEvent<HashRequest>) => {
  try {
    const hashes = await hashPieces(data.blob, data.pieceLength)
    scope.postMessage({ id: data.id, hashes } satisfies HashReply, [hashes.buffer])
  } catch (err) {
    scope.postMessage({ id: data.id, error: (err as Error).message || String(err) } satisfies HashReply)
  }
}
