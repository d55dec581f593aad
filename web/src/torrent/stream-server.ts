import type WebTorrent from 'webtorrent/dist/webtorrent.min.js'

/** webtorrent's streaming service worker, copied to the app's root by the Vite build. */
export const STREAM_WORKER_URL = '/sw.min.js'
/** A page that never becomes controlled (blocked by policy, a broken worker) falls back after this. */
const CONTROL_TIMEOUT_MS = 5_000

export type StreamSupport = { ok: true } | { ok: false; reason: string }

/**
 * Starts webtorrent's service-worker server, so media elements stream files with range requests that
 * decide which pieces come first. On a first visit the page is not yet controlled by the worker; the
 * worker claims its clients when it activates, so waiting for `controllerchange` avoids a reload.
 */
export async function startStreamServer(client: WebTorrent): Promise<StreamSupport> {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) {
    return { ok: false, reason: 'This browser cannot stream: playback starts once the file has downloaded.' }
  }
  try {
    const registration = await navigator.serviceWorker.register(STREAM_WORKER_URL, { scope: '/' })
    await navigator.serviceWorker.ready
    if (!navigator.serviceWorker.controller) await waitForController()
    client.createServer({ controller: registration })
    return { ok: true }
  } catch (err) {
    return { ok: false, reason: `Streaming is unavailable (${(err as Error).message}); playback starts once the file has downloaded.` }
  }
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
