import { validTrackers } from './magnet.js'
import { fail, ok, type Result } from './result.js'

/** What `/api/config` tells the web app about this deployment. */
export type ClientConfig = {
  /** Trackers announced to in addition to the app's own WebSocket tracker. */
  extraTrackers: string[]
}

export const DEFAULT_CLIENT_CONFIG: ClientConfig = { extraTrackers: [] }

export function parseClientConfig(input: unknown): Result<ClientConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return fail('The server configuration is not a JSON object.')
  }
  const { extraTrackers } = input as Record<string, unknown>
  if (extraTrackers !== undefined && !Array.isArray(extraTrackers)) {
    return fail('extraTrackers must be an array of tracker URLs.')
  }
  return ok({ extraTrackers: validTrackers(extraTrackers) })
}
