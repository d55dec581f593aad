/*
 * On a share link, opens the page's tracker socket while the app's scripts are still on their way.
 * At 200 ms round trips the main bundle arrives ~4 round trips after the HTML, and the socket, made
 * once the app ran, took 2 more to open. This script is tiny and module scripts run in document
 * order, so it runs first; webtorrent's tracker client later asks for a socket to the same URL and is
 * handed this one (the WebSocket constructor below does that once; every other socket is made as
 * usual). Unused after a while (a link the app refuses), it closes.
 *
 * It imports nothing, so that it stays a file of its own: the tracker's path is written here too
 * (early-tracker-socket.test.ts checks it against the app's).
 */

const ANNOUNCE_PATH = '/announce'
const UNUSED_CLOSE_MS = 10_000

/** The app's WebSocket tracker for a page at `origin` (ws:// for http, wss:// for https). */
export function earlyTrackerUrl(origin: string): string {
  const url = new URL(ANNOUNCE_PATH, origin)
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
  return url.href
}

/** Whether a page's fragment is a share link's (`#h=<info hash>…`), whose page will announce at once. */
export const isShareFragment = (hash: string): boolean => /^#(?:.*&)?h=/.test(hash)

function openEarly(): void {
  if (!isShareFragment(location.hash) || typeof WebSocket !== 'function') return
  const Native = WebSocket
  const href = earlyTrackerUrl(location.origin)
  let early: WebSocket | null = new Native(href)
  const unused = setTimeout(() => {
    early?.close()
    early = null
  }, UNUSED_CLOSE_MS)

  function TrackerWebSocket(target: string | URL, protocols?: string | string[]): WebSocket {
    const socket = early
    if (socket && String(target) === href && socket.readyState <= Native.OPEN) {
      early = null
      clearTimeout(unused)
      // Its handlers are set after this returns: an 'open' that already happened is told again.
      if (socket.readyState === Native.OPEN) queueMicrotask(() => socket.dispatchEvent(new Event('open')))
      return socket
    }
    return new Native(target, protocols)
  }
  TrackerWebSocket.prototype = Native.prototype
  Object.assign(TrackerWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 })
  window.WebSocket = TrackerWebSocket as unknown as typeof WebSocket
}

if (typeof window !== 'undefined') openEarly()
