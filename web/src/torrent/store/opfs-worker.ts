/// <reference lib="webworker" />
import { asError } from './storage-error'
import { storageFree } from './storage-room'

/*
 * Keeps each downloading torrent in one file of the origin private file system, written and read in
 * place through a synchronous access handle: no copy-on-write swap file and no round trip to the
 * browser process per piece, which is what makes this faster than writable streams.
 */

/** Refused before a torrent's file grows: the room it needs is not there (bytes). */
export type NotEnoughRoom = { needed: number; free: number }

/** What the page asks of the worker; each request carries an id its reply repeats. */
export type StoreCall =
  | { op: 'get'; folder: string; offset: number; length: number }
  /** `size`: the whole torrent's, which its file is grown to at once. */
  | { op: 'put'; folder: string; offset: number; data: Uint8Array; size: number }
  | { op: 'close' | 'destroy'; folder: string }
export type StoreRequest = StoreCall & { id: number }
/** `data`: the bytes read by a get; for a put, the bytes written, handed back for reuse. */
export type StoreReply = {
  id: number
  data?: Uint8Array
  error?: { name: string; message: string; room?: NotEnoughRoom }
}

/** The torrent's bytes, end to end, in `<folder>/data` at the root of the private file system. */
const DATA_FILE = 'data'
const handles = new Map<string, Promise<FileSystemSyncAccessHandle>>()
/** Folders whose file has its full size since it was opened. */
const sized = new Set<string>()

function open(folder: string): Promise<FileSystemSyncAccessHandle> {
  let handle = handles.get(folder)
  if (!handle) {
    handle = (async () => {
      const root = await navigator.storage.getDirectory()
      const directory = await root.getDirectoryHandle(folder, { create: true })
      const file = await directory.getFileHandle(DATA_FILE, { create: true })
      return file.createSyncAccessHandle()
    })()
    handles.set(folder, handle)
    handle.catch(() => handles.delete(folder))
  }
  return handle
}

/**
 * A download that cannot fit stops before its first byte is stored, saying how much it needs, rather
 * than part way (or, in Firefox, which charges the file's whole size when it grows, with a bare code).
 */
async function checkRoom(needed: number): Promise<void> {
  const free = await storageFree()
  if (free !== null && free < needed)
    throw Object.assign(new DOMException('Not enough storage space for this download.', 'QuotaExceededError'), {
      room: { needed, free },
    })
}

async function close(folder: string): Promise<void> {
  const handle = handles.get(folder)
  handles.delete(folder)
  sized.delete(folder)
  if (handle) (await handle.catch(() => null))?.close()
}

async function handle(request: StoreRequest): Promise<Uint8Array | undefined> {
  switch (request.op) {
    case 'put': {
      const file = await open(request.folder)
      // Growing the file once, rather than piece by piece, makes writes cost the browser process
      // less. It takes no quota: Chromium charges the writes, so a download that cannot fit stops
      // when the room is full (with a quota override, 4.4 MiB into 24 MiB with 4 MiB left).
      if (!sized.has(request.folder)) {
        const stored = file.getSize()
        if (stored < request.size) {
          await checkRoom(request.size - stored)
          file.truncate(request.size)
        }
        sized.add(request.folder)
      }
      const written = file.write(request.data, { at: request.offset })
      if (written !== request.data.byteLength)
        throw new DOMException('The disk or the storage quota is full.', 'QuotaExceededError')
      return request.data
    }
    case 'get': {
      const file = await open(request.folder)
      const data = new Uint8Array(request.length)
      const read = file.read(data, { at: request.offset })
      if (read !== request.length)
        throw new Error(`Bytes ${request.offset}–${request.offset + request.length} are not stored.`)
      return data
    }
    case 'close':
      await close(request.folder)
      return undefined
    case 'destroy': {
      await close(request.folder)
      const root = await navigator.storage.getDirectory()
      await root.removeEntry(request.folder, { recursive: true }).catch((err: Error) => {
        if (err.name !== 'NotFoundError') throw err
      })
      return undefined
    }
  }
}

const scope = self as unknown as DedicatedWorkerGlobalScope
scope.onmessage = async ({ data: request }: MessageEvent<StoreRequest>) => {
  try {
    const data = await handle(request)
    scope.postMessage({ id: request.id, data } satisfies StoreReply, data ? [data.buffer] : [])
  } catch (err) {
    const { name, message } = asError(err)
    const room = (err as { room?: NotEnoughRoom }).room
    scope.postMessage({ id: request.id, error: { name, message, ...(room ? { room } : {}) } } satisfies StoreReply)
  }
}
