import { patchClass } from '../check.js'

/*
 * webtorrent's WebSocket tracker client (bittorrent-tracker's WebSocketTracker) waits 10 s plus a
 * random 0–5 min before reconnecting to a tracker that went away, doubling each time: after a tracker
 * restart a seeder took ~50 s to be findable again. This swaps that schedule for one that retries
 * within about 3 s for the first two minutes of an outage (spread by jitter so a restarted tracker is
 * not hit by every client in the same millisecond), then once a minute.
 */

/** Retries that use the fast schedule: about two minutes at its ceiling. */
const FAST_RETRIES = 48
const FIRST_RETRY_MS = 250
const FAST_RETRY_CEILING_MS = 2_000
const SLOW_RETRY_MS = 60_000
const JITTER_MS = 1_000

export function reconnectDelayMs(retries: number, random: () => number = Math.random): number {
  const base = retries < FAST_RETRIES ? Math.min(FIRST_RETRY_MS * 2 ** retries, FAST_RETRY_CEILING_MS) : SLOW_RETRY_MS
  return base + Math.floor(random() * JITTER_MS)
}

/** The fields of WebSocketTracker the new schedule uses; the same ones its own `_startReconnectTimer` uses. */
type ReconnectingTracker = {
  reconnecting: boolean
  retries: number
  reconnectTimer: ReturnType<typeof setTimeout> | null
  _openSocket(): void
  _startReconnectTimer(): void
}

function startReconnectTimer(this: ReconnectingTracker): void {
  this.reconnecting = true
  if (this.reconnectTimer) clearTimeout(this.reconnectTimer)
  const timer = setTimeout(() => {
    this.retries++
    this._openSocket()
  }, reconnectDelayMs(this.retries))
  // In Node, a pending reconnect must not keep the process alive (as in the original).
  ;(timer as { unref?: () => void }).unref?.()
  this.reconnectTimer = timer
}

/** Makes a WebSocket tracker, and every other of its class, reconnect promptly. */
export function reconnectPromptly(tracker: object): void {
  patchClass<ReconnectingTracker>(
    'prompt-tracker-reconnect',
    'bittorrent-tracker WebSocketTracker',
    tracker,
    (prototype) => {
      prototype._startReconnectTimer = startReconnectTimer
    },
  )
}
