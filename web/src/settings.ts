import { useSyncExternalStore } from 'react'

/** Choices a person makes once and keeps; stored in localStorage so they apply before anything starts. */
export type Settings = {
  /** Upload cap in bytes per second, or null for unlimited. */
  uploadLimitBytesPerS: number | null
  /** How connections use the TURN relay; null means the default (fallback when the server has a relay). */
  relayMode: RelayMode | null
  /** New shares are private links (encrypted, the key in the link) rather than public torrents. */
  sharePrivately: boolean
}

/** off: direct only. fallback: direct first, relay when direct fails. relay: always relay (hides your IP from peers). */
export type RelayMode = 'off' | 'fallback' | 'relay'
export const RELAY_MODES: readonly RelayMode[] = ['off', 'fallback', 'relay']

const STORAGE_KEY = 'swarmdrop:settings'
const DEFAULT_SETTINGS: Settings = { uploadLimitBytesPerS: null, relayMode: null, sharePrivately: true }

export const UPLOAD_LIMIT_CHOICES: ReadonlyArray<{ label: string; bytesPerS: number | null }> = [
  { label: 'Unlimited', bytesPerS: null },
  { label: '5 MB/s', bytesPerS: 5_000_000 },
  { label: '2 MB/s', bytesPerS: 2_000_000 },
  { label: '1 MB/s', bytesPerS: 1_000_000 },
  { label: '500 kB/s', bytesPerS: 500_000 },
  { label: '100 kB/s', bytesPerS: 100_000 },
]

const listeners = new Set<() => void>()
let current = load()

export function getSettings(): Settings {
  return current
}

export function updateSettings(change: Partial<Settings>): void {
  current = { ...current, ...change }
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(current))
  } catch {
    // Private mode or a full quota: the setting still applies to this tab.
  }
  for (const listener of listeners) listener()
}

export function subscribeToSettings(listener: () => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

export function useSettings(): Settings {
  return useSyncExternalStore(subscribeToSettings, getSettings)
}

/** Parses what localStorage holds; anything unexpected falls back to the defaults. */
export function parseSettings(json: string | null): Settings {
  let value: unknown
  try {
    value = JSON.parse(json ?? 'null')
  } catch {
    return DEFAULT_SETTINGS
  }
  if (typeof value !== 'object' || value === null) return DEFAULT_SETTINGS
  const { uploadLimitBytesPerS: limit, relayMode, sharePrivately } = value as Record<string, unknown>
  return {
    uploadLimitBytesPerS: typeof limit === 'number' && Number.isFinite(limit) && limit > 0 ? limit : null,
    relayMode: RELAY_MODES.includes(relayMode as RelayMode) ? (relayMode as RelayMode) : null,
    sharePrivately: sharePrivately !== false,
  }
}

function load(): Settings {
  try {
    return parseSettings(localStorage.getItem(STORAGE_KEY))
  } catch {
    return DEFAULT_SETTINGS
  }
}
