import {
  isTurnServer,
  parseRtcConfigResponse,
  RTC_CONFIG_PATH,
  type IceServer,
  type RtcConfigResponse,
} from '@swarmdrop/common'
import { getSettings, subscribeToSettings, type RelayMode } from '../settings'

/** Refresh TURN credentials when this share of their lifetime has passed. */
const REFRESH_AT_FRACTION = 0.8
const MIN_REFRESH_DELAY_MS = 10_000
const PROBE_TIMEOUT_MS = 5_000

export type RelayStatus = 'loading' | 'unavailable' | 'off' | 'checking' | 'working' | 'failed'
export type RelayState = { available: boolean; mode: RelayMode; status: RelayStatus; error: string | null }

/**
 * The ICE configuration every new peer connection uses, kept current: the relay mode a person chose,
 * TURN credentials refreshed before they expire, and a check that the relay accepts them.
 * `rtcConfig` is one object mutated in place, because webtorrent hands the same object to each new
 * connection.
 */
export class RelayConfig {
  readonly rtcConfig: RTCConfiguration = { iceServers: [] }
  private response: RtcConfigResponse | null = null
  private state: RelayState = { available: false, mode: 'off', status: 'loading', error: null }
  private refreshTimer: ReturnType<typeof setTimeout> | null = null
  private probeId = 0
  private destroyed = false
  private readonly unsubscribe: () => void

  constructor(private readonly onChange: () => void) {
    this.unsubscribe = subscribeToSettings(() => this.apply())
  }

  getState = (): RelayState => this.state

  /** Fetches the server's ICE servers; without an answer, connections stay direct. */
  async load(): Promise<void> {
    try {
      // No cache mode of its own, so the page's preload of it (index.html) is used; the server
      // sends it with Cache-Control: no-store.
      const response = await fetch(RTC_CONFIG_PATH)
      if (!response.ok) throw new Error(`the server answered ${response.status}`)
      const parsed = parseRtcConfigResponse(await response.json())
      if (!parsed.ok) throw new Error(parsed.error)
      this.response = parsed.value
    } catch (err) {
      this.response = { iceServers: [], turn: false, expiresAtMs: null }
      console.warn(`No ICE configuration from the server (${(err as Error).message}); direct connections only.`)
    }
    if (this.destroyed) return
    this.apply()
    this.scheduleRefresh()
  }

  destroy(): void {
    this.destroyed = true
    this.unsubscribe()
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
  }

  private apply(): void {
    if (!this.response || this.destroyed) return
    const available = this.response.turn
    const chosen = getSettings().relayMode ?? (available ? 'fallback' : 'off')
    const mode: RelayMode = available ? chosen : 'off'
    const { iceServers, iceTransportPolicy } = iceConfigFor(this.response.iceServers, mode)
    this.rtcConfig.iceServers = iceServers
    this.rtcConfig.iceTransportPolicy = iceTransportPolicy
    const status: RelayStatus = !available ? 'unavailable' : mode === 'off' ? 'off' : 'checking'
    this.setState({ available, mode, status, error: null })
    if (status === 'checking') void this.probe(iceServers.filter(isTurnIceServer))
  }

  /** Asks the relay for an allocation, as a real connection would, so refused credentials show at once. */
  private async probe(turnServers: RTCIceServer[]): Promise<void> {
    const id = ++this.probeId
    const result = await probeRelay(turnServers)
    if (id !== this.probeId || this.destroyed) return
    this.setState({ ...this.state, status: result.ok ? 'working' : 'failed', error: result.ok ? null : result.error })
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer)
    const expiresAtMs = this.response?.expiresAtMs
    if (!expiresAtMs) return
    this.refreshTimer = setTimeout(() => void this.load(), refreshDelayMs(expiresAtMs, Date.now()))
  }

  private setState(state: RelayState): void {
    this.state = state
    this.onChange()
  }
}

/** When to fetch new credentials: well before they expire, but never in a tight loop. */
export function refreshDelayMs(expiresAtMs: number, nowMs: number): number {
  return Math.max(MIN_REFRESH_DELAY_MS, (expiresAtMs - nowMs) * REFRESH_AT_FRACTION)
}

/** The ICE servers and transport policy for a relay mode. */
export function iceConfigFor(
  servers: IceServer[],
  mode: RelayMode,
): { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy } {
  const turn = servers.filter(isTurnServer)
  const others = servers.filter((server) => !isTurnServer(server))
  if (mode === 'off') return { iceServers: others, iceTransportPolicy: 'all' }
  if (mode === 'relay') return { iceServers: turn, iceTransportPolicy: 'relay' }
  return { iceServers: [...others, ...turn], iceTransportPolicy: 'all' }
}

const isTurnIceServer = (server: RTCIceServer): boolean => isTurnServer({ urls: ([] as string[]).concat(server.urls) })

async function probeRelay(iceServers: RTCIceServer[]): Promise<{ ok: true } | { ok: false; error: string }> {
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' })
  const errors: string[] = []
  try {
    const gotRelay = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)
      pc.addEventListener('icecandidate', (event) => {
        if (event.candidate?.type === 'relay') resolve(true)
        if (!event.candidate) {
          clearTimeout(timer)
          resolve(false)
        }
      })
      pc.addEventListener('icecandidateerror', (event) => errors.push(`${event.errorCode} ${event.errorText}`.trim()))
    })
    pc.createDataChannel('relay-check')
    await pc.setLocalDescription(await pc.createOffer())
    if (await gotRelay) return { ok: true }
    if (errors.some((error) => error.startsWith('401')))
      return {
        ok: false,
        error: 'The relay refused its credentials (401 Unauthorized). Connections through it will fail.',
      }
    return {
      ok: false,
      error: `The relay did not answer${errors.length ? ` (${errors[0]})` : ''}. Connections through it will fail.`,
    }
  } finally {
    pc.close()
  }
}
