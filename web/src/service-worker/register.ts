import { WORKER_PROTOCOL } from './protocol'

/** The app's one service worker: the shell, the share target and webtorrent's streaming (see app-shell.ts). */
export const APP_WORKER_URL = '/sw.js'

let registering: Promise<ServiceWorkerRegistration> | null = null

/**
 * Registers the app's worker once per page. Called when the page has loaded (so the shell is kept for
 * offline starts) and by the streaming server; a browser without service workers gets a rejection.
 */
export function registerAppWorker(): Promise<ServiceWorkerRegistration> {
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker)
    return Promise.reject(new Error('This browser has no service workers.'))
  registering ??= navigator.serviceWorker.register(APP_WORKER_URL, { scope: '/' })
  return registering
}

/** How long after load the shell is stored: past a link's first connections and first frame. */
const KEEP_SHELL_AFTER_MS = 3_000

/** Registers the worker and, once the page has settled, has it store the shell for offline starts. */
export async function keepShellForOffline(): Promise<void> {
  await registerAppWorker()
  const registration = await navigator.serviceWorker.ready
  await new Promise<void>((resolve) => setTimeout(resolve, KEEP_SHELL_AFTER_MS))
  await new Promise<void>((resolve) =>
    'requestIdleCallback' in window ? requestIdleCallback(() => resolve(), { timeout: 5_000 }) : resolve(),
  )
  registration.active?.postMessage({ type: WORKER_PROTOCOL.keepShell })
}
