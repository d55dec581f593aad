import { sealedSource, type ByteSource, type SealedSpec } from '@swarmdrop/common'

/**
 * Where a shared torrent's bytes come from, as plain data (it is posted to hashing workers and kept
 * in IndexedDB): the files as they are (a public torrent), or the files sealed on the fly into a
 * private share's records.
 */
export type SourceSpec = { kind: 'plain'; blobs: Blob[] } | { kind: 'sealed'; spec: SealedSpec }

export function openSource(spec: SourceSpec): Promise<ByteSource> {
  if (spec.kind === 'sealed') return sealedSource(spec.spec)
  const all = new Blob(spec.blobs)
  return Promise.resolve({ size: all.size, read: async (start, end) => new Uint8Array(await all.slice(start, end).arrayBuffer()) })
}

/** The person's files behind a source. */
export const blobsOf = (spec: SourceSpec): Blob[] => (spec.kind === 'plain' ? spec.blobs : spec.spec.blobs)
