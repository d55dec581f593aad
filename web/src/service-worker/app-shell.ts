/// <reference lib="webworker" />
/*
 * The app's service worker, besides webtorrent's streaming (its sw.min.js, put before this in the
 * same file by the build: see vite.config.ts). It keeps the app shell for offline starts and receives
 * files from the system share sheet (the manifest's share_target). No imports but types: the build
 * turns this file alone into JavaScript, and APP_SHELL is defined before it.
 */

import type { WORKER_PROTOCOL } from './protocol'

/** Written by the build: a version (the shell's content hash), every file of the shell, and what pages and worker agree on. */
declare const APP_SHELL: { version: string; files: string[]; protocol: typeof WORKER_PROTOCOL }
const worker = self as unknown as ServiceWorkerGlobalScope
const {
  keepShell: KEEP_SHELL,
  sharedFilesCache: SHARED_FILES_CACHE,
  shareTargetPath: SHARE_TARGET_PATH,
  sharedLink: SHARED_LINK,
} = APP_SHELL.protocol

const SHELL_CACHE_PREFIX = 'swarmdrop-shell-'
const SHELL_CACHE = SHELL_CACHE_PREFIX + APP_SHELL.version

/**
 * The shell is stored when a page asks, once it is idle (web/src/service-worker/register.ts), not on
 * install: fetching it then competed with a page connecting to its first peer (~130 ms later, measured).
 */
worker.addEventListener('message', (event) => {
  if ((event.data as { type?: unknown } | null)?.type === KEEP_SHELL) event.waitUntil(keepShell())
})

async function keepShell(): Promise<void> {
  const cache = await caches.open(SHELL_CACHE)
  const kept = new Set((await cache.keys()).map((request) => new URL(request.url).pathname))
  const missing = APP_SHELL.files.filter((file) => !kept.has(file))
  if (missing.length > 0) await cache.addAll(missing)
}

worker.addEventListener('activate', (event) => {
  const stale = (key: string) => key.startsWith(SHELL_CACHE_PREFIX) && key !== SHELL_CACHE
  event.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter(stale).map((key) => caches.delete(key)))))
})

worker.addEventListener('fetch', (event) => {
  const { request } = event
  const url = new URL(request.url)
  // Other origins, the API, the trackers and webtorrent's streams (its own listener) go to the network.
  if (
    url.origin !== worker.location.origin ||
    url.pathname.startsWith('/webtorrent/') ||
    url.pathname.startsWith('/api/')
  )
    return
  if (request.method === 'POST' && url.pathname === SHARE_TARGET_PATH)
    return event.respondWith(receiveSharedFiles(request))
  if (request.method !== 'GET') return
  if (request.mode === 'navigate') return event.respondWith(pageOrShell(request))
  if (APP_SHELL.files.includes(url.pathname))
    event.respondWith(caches.match(request).then((cached) => cached ?? fetch(request)))
})

/** The page from the network when it answers (always the newest app), else the shell kept offline. */
async function pageOrShell(request: Request): Promise<Response> {
  try {
    return await fetch(request)
  } catch (err) {
    const shell = await caches.match('/', { cacheName: SHELL_CACHE })
    if (shell) return shell
    throw err
  }
}

/**
 * Files shared from another app: kept in a cache under an id, then the app opens with that id and
 * shares them (the page cannot be handed them directly: this request is the navigation that opens it).
 */
async function receiveSharedFiles(request: Request): Promise<Response> {
  const id = crypto.randomUUID()
  try {
    const form = await request.formData()
    const files = form.getAll('files').filter((value): value is File => value instanceof File && value.size > 0)
    // A link shared rather than files (a magnet, a share link) is kept the same way, never put in the
    // URL: a private link's key must not reach the server with the page's request.
    const link = String(form.get('url') || form.get('text') || '').trim()
    const cache = await caches.open(SHARED_FILES_CACHE)
    if (files.length === 0 && link) await cache.put(`${SHARE_TARGET_PATH}/${id}/${SHARED_LINK}`, new Response(link))
    await Promise.all(
      files.map((file, index) =>
        cache.put(
          `${SHARE_TARGET_PATH}/${id}/${index}`,
          new Response(file, {
            headers: {
              'Content-Type': file.type || 'application/octet-stream',
              'X-File-Name': encodeURIComponent(file.name),
            },
          }),
        ),
      ),
    )
    return Response.redirect(`/?shared=${id}`, 303)
  } catch {
    return Response.redirect('/?shared=failed', 303)
  }
}
