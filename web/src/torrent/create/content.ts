import { pieceLengthFor, planSealed, SEALED_TORRENT_NAME, sealedSpec, type SealedManifest } from '@swarmdrop/common'
import type { SourceSpec } from '../source'
import type { TorrentLayout } from './layout'

/** What a torrent made from a person's files lists, and where its bytes come from. */
export type TorrentContent = {
  name: string
  /** One file named directly (`info.length`) rather than a list of files. */
  single: boolean
  files: Array<{ path: string[]; length: number }>
  length: number
  pieceLength: number
  source: SourceSpec
}

/** A public torrent: the files as they are, under their names. */
export function publicContent(layout: TorrentLayout): TorrentContent {
  const blobs = layout.files.map((file) => file.blob)
  const files = layout.files.map((file) => ({ path: file.path, length: file.blob.size }))
  return {
    name: layout.name,
    single: layout.single,
    files,
    length: layout.length,
    pieceLength: layout.pieceLength,
    source: { kind: 'plain', blobs },
  }
}

/**
 * A private share: one file of records under a name every private share has, its size a coarse
 * bucket; the names, folders, sizes and types are in the encrypted manifest.
 */
export function sealedContent(layout: TorrentLayout, secret: Uint8Array, salt: Uint8Array): TorrentContent {
  const manifest: SealedManifest = {
    name: layout.name,
    files: layout.files.map((file) => ({ path: file.path, length: file.blob.size, type: file.blob.type })),
  }
  const spec = sealedSpec(
    secret,
    salt,
    manifest,
    layout.files.map((file) => file.blob),
  )
  const { length } = planSealed(
    spec.manifest.length,
    spec.blobs.map((blob) => blob.size),
  )
  return {
    name: SEALED_TORRENT_NAME,
    single: true,
    files: [{ path: [SEALED_TORRENT_NAME], length }],
    length,
    pieceLength: pieceLengthFor(length),
    source: { kind: 'sealed', spec },
  }
}
