/** The app's one service worker: the shell, the share target and webtorrent's streaming (see app-shell.ts). */
export const APP_WORKER_URL = '/sw.js'

let registering: Promise<ServiceWorkerRegistration> | null = null

/**
 * Registers the app's worker once per page. Called when the page has loaded (so the shell is kept for
 * offline starts) and by the streaming server; a browser without service workers gets a rejection.
 */
export function registerAppWorker(): Promise<ServiceWorkerRegistration> {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker) return Promise.reject(new Error('This browser has no service workers.'))
  registering ??= navigator.serviceWorker.register(APP_WORKER_URL, { scope: '/' })
  return registering
}
