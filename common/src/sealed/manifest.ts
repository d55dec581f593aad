import { fail, ok, type Result } from '../result.js'
import { stripControlCharacters } from '../text.js'

/** What a private share holds, readable only with its key. */
export type SealedManifest = {
  /** The share's name (a folder's, or a file's, or "3 files"). */
  name: string
  files: SealedManifestFile[]
}
/** One file: its path inside the share (segments), size in bytes and media type ('' if unknown). */
export type SealedManifestFile = { path: string[]; length: number; type: string }

const MANIFEST_VERSION = 1
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024
const MAX_FILES = 100_000
const MAX_NAME_LENGTH = 1024
const MAX_FILE_BYTES = 2 ** 50
const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/

/**
 * Where a file of the share goes, as path segments: under the share's name, as a public torrent of
 * the same files is laid out (webtorrent puts the torrent's name first), except for one loose file.
 */
export function manifestFilePath({ name, files }: SealedManifest, index: number): string[] {
  const { path } = files[index]!
  return files.length === 1 && path.length === 1 ? path : [name, ...path]
}

export function encodeManifest(manifest: SealedManifest): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: MANIFEST_VERSION, ...manifest }))
}

/**
 * Parses a decrypted manifest. It was encrypted with the share's key, so only its sender could have
 * written it; it is still checked as any outside input: no path leaves the share, every size is sane.
 */
export function parseManifest(bytes: Uint8Array): Result<SealedManifest> {
  const damaged = (why: string) => fail<SealedManifest>(`This private share's file list is damaged (${why}).`)
  if (bytes.length > MAX_MANIFEST_BYTES) return damaged('too large')
  let value: unknown
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return damaged('not readable')
  }
  if (typeof value !== 'object' || value === null) return damaged('not a list')
  const { v, name, files } = value as Record<string, unknown>
  if (v !== MANIFEST_VERSION)
    return fail('This private share was made by a newer Swarmdrop. Reload the page to update it.')
  if (typeof name !== 'string' || !Array.isArray(files) || files.length === 0 || files.length > MAX_FILES)
    return damaged('no files')
  const parsed: SealedManifestFile[] = []
  for (const file of files as unknown[]) {
    const entry = parseFile(file)
    if (!entry) return damaged('a file entry is invalid')
    parsed.push(entry)
  }
  const cleanName = stripControlCharacters(name).trim().slice(0, MAX_NAME_LENGTH)
  return ok({ name: cleanName || 'Private share', files: parsed })
}

function parseFile(value: unknown): SealedManifestFile | null {
  if (typeof value !== 'object' || value === null) return null
  const { path, length, type } = value as Record<string, unknown>
  if (!Array.isArray(path) || path.length === 0 || path.length > 64) return null
  if (!path.every((segment) => typeof segment === 'string' && isSafeSegment(segment))) return null
  if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0 || length > MAX_FILE_BYTES) return null
  return { path: path as string[], length, type: typeof type === 'string' && MEDIA_TYPE.test(type) ? type : '' }
}

/** A path segment that names something inside the share: no separators, no `.`/`..`, no control characters. */
const isSafeSegment = (segment: string): boolean =>
  segment.length > 0 &&
  segment.length <= 255 &&
  segment !== '.' &&
  segment !== '..' &&
  !/[\\/]/.test(segment) &&
  stripControlCharacters(segment) === segment
