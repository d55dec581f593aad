import { createStore, del, entries, set, type UseStore } from 'idb-keyval'
import { KEEPER_SECRET_PATTERN, parseInfoHash, parseSecret, randomKeeperSecret, validTrackers } from '@swarmdrop/common'
import type { Role } from './snapshot'
import { asError } from './store/storage-error'

/**
 * What this browser remembers of each torrent, so a reload loses nothing: enough to add it again
 * (the .torrent bytes once known, else the link), who shared it, and whether it was stopped.
 * A download's bytes stay in the private file system (store/opfs-store.ts); shared files are
 * kept as references to the files themselves (`saveSharedFiles`).
 */
export type LibraryRecord = {
  infoHash: string
  name: string
  role: Role
  addedAtMs: number
  /** Total size in bytes once known. */
  length: number | null
  /** The .torrent file; null for a download whose metadata has not arrived yet. */
  torrentFile: Uint8Array | null
  /** Trackers from the link, beyond the app's own. */
  trackers: string[]
  /** Stopped by the person (or by a full disk): not started again on load. */
  stopped: boolean
  /** Why it stopped on its own, shown until resumed. */
  stopReason: string | null
  /** A private share's key, and for its sender what seals the files again (the salt and manifest). */
  sealed: SealedRecord | null
}

export type SealedRecord = {
  secret: string
  sender: { salt: Uint8Array; manifest: Uint8Array } | null
  /** The sender's: what proves to the server's keeper that this browser asked it to keep the share, and until when. */
  keeper: KeeperRecord | null
}

export type KeeperRecord = { secret: string; untilMs: number | null }

let store: UseStore | null = null
const libraryStore = (): UseStore => (store ??= createStore('swarmdrop', 'library'))
let filesStore: UseStore | null = null
const sharedFilesStore = (): UseStore => (filesStore ??= createStore('swarmdrop-shared-files', 'files'))

/** Every stored record that still parses; a damaged one is dropped with a warning, never fatal. */
export async function loadLibrary(): Promise<LibraryRecord[]> {
  let stored: Array<[IDBValidKey, unknown]>
  try {
    stored = await entries(libraryStore())
  } catch (err) {
    console.warn(`The library could not be read (${asError(err).message}); starting empty.`)
    return []
  }
  const records: LibraryRecord[] = []
  for (const [key, value] of stored) {
    const record = parseLibraryRecord(value)
    if (record) records.push(record)
    else console.warn(`Ignoring a damaged library entry ${String(key)}.`)
  }
  return records.sort((a, b) => a.addedAtMs - b.addedAtMs)
}

/** Stores a record; rejects with an Error (whatever the browser rejected with) when it could not. */
export function saveRecord(record: LibraryRecord): Promise<void> {
  return set(record.infoHash, record, libraryStore()).catch((err: unknown) => Promise.reject(asError(err)))
}

export function deleteRecord(infoHash: string): Promise<void> {
  return del(infoHash, libraryStore()).catch((err: unknown) =>
    console.warn(`Could not delete ${infoHash} from the library: ${asError(err).message}`),
  )
}

/** Parses a stored value (written by an older version, or damaged) into a record, or null. */
export function parseLibraryRecord(value: unknown): LibraryRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const v = value as Record<string, unknown>
  const infoHash = typeof v.infoHash === 'string' ? parseInfoHash(v.infoHash) : null
  if (!infoHash?.ok) return null
  if (v.role !== 'sent' && v.role !== 'received') return null
  if (v.torrentFile !== null && !(v.torrentFile instanceof Uint8Array)) return null
  return {
    infoHash: infoHash.value,
    name: typeof v.name === 'string' && v.name ? v.name : infoHash.value,
    role: v.role,
    addedAtMs: typeof v.addedAtMs === 'number' && Number.isFinite(v.addedAtMs) ? v.addedAtMs : 0,
    length: typeof v.length === 'number' && Number.isFinite(v.length) && v.length >= 0 ? v.length : null,
    torrentFile: v.torrentFile,
    trackers: validTrackers(v.trackers),
    stopped: v.stopped === true,
    stopReason: typeof v.stopReason === 'string' ? v.stopReason : null,
    sealed: parseSealedRecord(v.sealed),
  }
}

function parseSealedRecord(value: unknown): SealedRecord | null {
  if (typeof value !== 'object' || value === null) return null
  const { secret, sender, keeper } = value as Record<string, unknown>
  if (typeof secret !== 'string' || !parseSecret(secret).ok) return null
  const { salt, manifest } = (sender ?? {}) as Record<string, unknown>
  const isSender = salt instanceof Uint8Array && manifest instanceof Uint8Array
  return { secret, sender: isSender ? { salt, manifest } : null, keeper: isSender ? parseKeeperRecord(keeper) : null }
}

/** A sender's keeper secret; one stored before there was a keeper gets a fresh one. */
function parseKeeperRecord(value: unknown): KeeperRecord {
  const { secret, untilMs } = (value ?? {}) as Record<string, unknown>
  return typeof secret === 'string' && KEEPER_SECRET_PATTERN.test(secret)
    ? { secret, untilMs: typeof untilMs === 'number' && Number.isFinite(untilMs) ? untilMs : null }
    : { secret: randomKeeperSecret(), untilMs: null }
}

/**
 * Whether storing a picked file keeps a reference to it rather than a copy. Chromium stores a file
 * from disk as a reference (writing 1 GiB takes milliseconds; if the file is later moved or changed,
 * reading it fails and the share says so); Firefox and Safari store its bytes. No API tells the two
 * apart, so this asks for the engine: User-Agent Client Hints exist in Chromium-based browsers only.
 */
export const keepsFileReferences = (): boolean => typeof navigator !== 'undefined' && 'userAgentData' in navigator

/**
 * Keeps references to the files a person shared, so a reload shares them again without hashing
 * them; only where the browser stores a reference (see keepsFileReferences, and share-copies.ts).
 */
export function saveSharedFiles(infoHash: string, blobs: Blob[]): Promise<void> {
  return set(infoHash, blobs, sharedFilesStore()).catch((err: unknown) => Promise.reject(asError(err)))
}

/** Every kept set of shared files, by info hash; one that does not read back as files is left out. */
export async function loadSharedFiles(): Promise<Map<string, Blob[]>> {
  const shared = new Map<string, Blob[]>()
  try {
    for (const [infoHash, blobs] of await entries(sharedFilesStore())) {
      if (typeof infoHash === 'string' && Array.isArray(blobs) && blobs.every((blob) => blob instanceof Blob))
        shared.set(infoHash, blobs)
    }
  } catch (err) {
    console.warn(`The shared files could not be read back: ${asError(err).message}`)
  }
  return shared
}

export function deleteSharedFiles(infoHash: string): Promise<void> {
  return del(infoHash, sharedFilesStore()).catch((err: unknown) =>
    console.warn(`Could not forget the shared files of ${infoHash}: ${asError(err).message}`),
  )
}
