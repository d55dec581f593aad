import {
  CLIENT_CONFIG_PATH,
  DEFAULT_CLIENT_CONFIG,
  originTrackerUrl,
  parseClientConfig,
  type ClientConfig,
} from '@swarmdrop/common'

let configPromise: Promise<ClientConfig> | null = null

/** The deployment's configuration, fetched once. A static host without the API gets the defaults. */
export function loadClientConfig(): Promise<ClientConfig> {
  configPromise ??= fetch(CLIENT_CONFIG_PATH)
    .then((response) => (response.ok ? response.json() : null))
    .then((json: unknown) => {
      const parsed = parseClientConfig(json)
      if (!parsed.ok) console.warn(`Using default configuration: ${parsed.error}`)
      return parsed.ok ? parsed.value : DEFAULT_CLIENT_CONFIG
    })
    .catch(() => DEFAULT_CLIENT_CONFIG)
  return configPromise
}

/** The app's own WebSocket tracker first (wss:// behind HTTPS), then the configured extras. */
export function defaultTrackers(config: ClientConfig): string[] {
  return [...new Set([originTrackerUrl(location.origin), ...config.extraTrackers])]
}
