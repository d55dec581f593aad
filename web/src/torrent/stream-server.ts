import type WebTorrent from 'webtorrent/dist/webtorrent.min.js'
import type { ContentFile } from './content'
import { registerAppWorker } from '../service-worker/register'
import { parseRange, servedMediaType } from './range'

/** A page that never becomes controlled (blocked by policy, a broken worker) falls back after this. */
const CONTROL_TIMEOUT_MS = 5_000
/** Requests the worker forwards to pages start with this (its scope's `webtorrent/`). */
const WORKER_PREFIX = '/webtorrent/'
/** Private shares' files, decrypted by this page: `/webtorrent/sealed/<info hash>/<file index>`. */
const SEALED_PREFIX = `${WORKER_PREFIX}sealed/`
/** While it streams, the page pings the worker so the browser does not stop it (as webtorrent does). */
const KEEPALIVE_MS = 20_000

export type StreamSupport = { ok: true } | { ok: false; reason: string }
/** Finds a private share's file to stream. */
export type SealedFileLookup = (infoHash: string, index: number) => ContentFile | null

export const sealedStreamUrl = (infoHash: string, index: number): string => `${SEALED_PREFIX}${infoHash}/${index}`

/**
 * Starts webtorrent's service-worker server, so media elements stream files with range requests that
 * decide which pieces come first. On a first visit the page is not yet controlled by the worker; the
 * worker claims its clients when it activates, so waiting for `controllerchange` avoids a reload.
 * A private share's files are answered by this page itself (decrypted), before webtorrent sees them.
 */
export async function startStreamServer(client: WebTorrent, sealedFile: SealedFileLookup): Promise<StreamSupport> {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) {
    return { ok: false, reason: 'This browser cannot stream: playback starts once the file has downloaded.' }
  }
  try {
    const registration = await registerAppWorker()
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller) await waitForController()
    // Listeners run in the order they were added: this one first, so webtorrent never answers these.
    navigator.serviceWorker.addEventListener('message', (event) => serveSealed(event, sealedFile))
    withCancelFetchSettled(() => client.createServer({ controller: registration }))
    return { ok: true }
  } catch (err) {
    return {
      ok: false,
      reason: `Streaming is unavailable (${(err as Error).message}); playback starts once the file has downloaded.`,
    }
  }
}

/**
 * webtorrent 3.0.21's server, when created, fetches `/webtorrent/cancel/` (to tell the worker that pages
 * cancel streams) with no `catch`. Firefox answers it only after ~5 s, so a page left within that time
 * logged an unhandled rejection. For that one call, a failed fetch settles as an empty response, which
 * webtorrent then cancels as it would the real one.
 */
function withCancelFetchSettled(create: () => void): void {
  const fetchOfPage = window.fetch
  window.fetch = (input, init) => {
    const answer = fetchOfPage(input, init)
    return String(input).endsWith(`${WORKER_PREFIX}cancel/`) ? answer.catch(() => new Response('')) : answer
  }
  try {
    create()
  } finally {
    window.fetch = fetchOfPage
  }
}

/** What the worker forwards of a request (webtorrent's worker-server protocol). */
type ForwardedRequest = {
  type?: unknown
  url?: unknown
  method?: unknown
  destination?: unknown
  headers?: Record<string, string>
}

let activeStreams = 0
let keepalive: ReturnType<typeof setInterval> | null = null

/**
 * Answers the worker's message for a private share's file: the status and headers first, then one
 * chunk for each pull (`true`), `null` at the end; `false` from the worker cancels.
 */
function serveSealed(event: MessageEvent, sealedFile: SealedFileLookup): void {
  const request = event.data as ForwardedRequest | null
  const [port] = event.ports
  if (request?.type !== 'webtorrent' || typeof request.url !== 'string' || !port) return
  const path = new URL(request.url).pathname
  if (!path.startsWith(SEALED_PREFIX)) return
  event.stopImmediatePropagation()
  const [infoHash = '', index = ''] = path.slice(SEALED_PREFIX.length).split('/')
  const file = /^\d+$/.test(index) ? sealedFile(infoHash, Number(index)) : null
  const headers: Record<string, string> = {
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Accept-Ranges': 'bytes',
  }
  if (!file) return port.postMessage({ status: 404, headers, body: 'This file is not available in this tab.' })
  const range = parseRange(request.headers?.range ?? null, file.length)
  if (!range.ok)
    return port.postMessage({
      status: 416,
      headers: { ...headers, 'Content-Range': `bytes */${file.length}` },
      body: '',
    })
  const { start, end } = range.value ?? { start: 0, end: file.length - 1 }
  Object.assign(headers, {
    'Content-Type': servedMediaType(file.type),
    'Content-Length': String(Math.max(0, end - start + 1)),
  })
  // Opened as a page of its own (a new tab), it is saved, never shown in the app's origin.
  if (request.destination === 'document') headers['Content-Disposition'] = 'attachment'
  if (range.value) headers['Content-Range'] = `bytes ${start}-${end}/${file.length}`
  const status = range.value ? 206 : 200
  if (request.method === 'HEAD' || file.length === 0) return port.postMessage({ status, headers, body: '' })

  const reader = file.stream({ start, end }).getReader()
  let open = true
  const finish = () => {
    if (!open) return
    open = false
    port.onmessage = null
    void reader.cancel().catch(() => {})
    if (--activeStreams === 0 && keepalive) {
      clearInterval(keepalive)
      keepalive = null
    }
  }
  activeStreams++
  keepalive ??= setInterval(() => void fetch(`${WORKER_PREFIX}keepalive/`).catch(() => {}), KEEPALIVE_MS)
  port.onmessage = async ({ data: pull }) => {
    if (!pull) return finish()
    let chunk: Uint8Array | null = null
    try {
      const read = await reader.read()
      chunk = read.done ? null : read.value
    } catch {
      // A record that failed authentication (the client was told) or a torrent stopped: end the body.
    }
    if (!open) return
    port.postMessage(chunk)
    if (!chunk) finish()
  }
  port.postMessage({ status, headers, body: 'STREAM' })
}

function waitForController(): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the service worker did not take control')), CONTROL_TIMEOUT_MS)
    navigator.serviceWorker.addEventListener(
      'controllerchange',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })
}
