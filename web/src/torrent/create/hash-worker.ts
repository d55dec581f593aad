/// <reference lib="webworker" />
import { openSource, type SourceSpec } from '../source'
import { hashPieces, type HashJob } from './hash-pieces'

export type HashRequest = { id: number; source: SourceSpec; job: HashJob; pieceLength: number }
export type HashReply = { id: number; hashes: Uint8Array } | { id: number; error: string }

/** Hashes pieces off the page's thread; a share's jobs are spread over a few of these workers. */
const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = async ({ data }: MessageEvent<HashRequest>) => {
  try {
    const hashes = await hashPieces(await openSource(data.source), data.job, data.pieceLength)
    scope.postMessage({ id: data.id, hashes } satisfies HashReply, [hashes.buffer])
  } catch (err) {
    scope.postMessage({ id: data.id, error: (err as Error).message || String(err) } satisfies HashReply)
  }
}
