import { fail, ok, type Result } from './result.js'
import { encodeSecret } from './sealed/secret.js'

/*
 * The keeper: the server seeds a private share for a while after its sender leaves, holding only its
 * encrypted records (never the key). What the app and the server say to each other about it:
 *   GET    /api/keeper             the limits, or { enabled: false }
 *   PUT    /api/kept/<info hash>   keep it (or keep it longer); body { length, hours }
 *   GET    /api/kept/<info hash>   how far the server has it
 *   DELETE /api/kept/<info hash>   stop keeping it
 * The last three carry `Authorization: Bearer <keeper secret>`: a secret the sender's browser makes
 * when it shares and never gives to anyone else, so only that browser can see, extend or withdraw.
 */

export const KEEPER_PATH = '/api/keeper'
export const KEPT_PATH_PREFIX = '/api/kept/'

/** What GET /api/keeper says. */
export type KeeperInfo =
  | { enabled: false }
  | {
      enabled: true
      /** The longest a share is kept, in hours. */
      maxHours: number
      /** The largest share kept, in bytes (of its encrypted records). */
      maxShareBytes: number
      /** Room left for shares, in bytes. */
      freeBytes: number
    }

/** How far the server has a share: fetching it from the sender, or holding every piece. */
export type KeptStatus = {
  state: 'fetching' | 'kept'
  /** 0..1 of the share's records verified on the server. */
  progress: number
  expiresAtMs: number
}

/** Why the server would not keep (or see, or withdraw) a share. */
export type KeeperRefusalReason =
  'off' | 'bad-request' | 'full' | 'too-large' | 'rate' | 'not-private' | 'forbidden' | 'not-found' | 'sender-left'

export type KeeperRefusal = { reason: KeeperRefusalReason; error: string }

/** The HTTP status of each refusal. */
export const KEEPER_REFUSAL_STATUS: Record<KeeperRefusalReason, number> = {
  off: 503,
  'bad-request': 400,
  full: 507,
  'too-large': 413,
  rate: 429,
  'not-private': 422,
  forbidden: 403,
  'not-found': 404,
  'sender-left': 410,
}

/** A keeper secret: 32 random bytes, base64url. */
export const KEEPER_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/

export const randomKeeperSecret = (): string => encodeSecret(globalThis.crypto.getRandomValues(new Uint8Array(32)))

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0

export function parseKeeperInfo(input: unknown): Result<KeeperInfo> {
  if (!isObject(input)) return fail('The server did not describe its keeper.')
  if (input.enabled === false) return ok({ enabled: false })
  const { maxHours, maxShareBytes, freeBytes } = input
  if (input.enabled !== true || !isCount(maxHours) || !isCount(maxShareBytes) || !isCount(freeBytes))
    return fail('The server described its keeper in a way this app cannot read.')
  return ok({ enabled: true, maxHours, maxShareBytes, freeBytes })
}

export function parseKeptStatus(input: unknown): Result<KeptStatus> {
  if (!isObject(input)) return fail('The server did not say how far it has this share.')
  const { state, progress, expiresAtMs } = input
  if ((state !== 'fetching' && state !== 'kept') || !isCount(progress) || !isCount(expiresAtMs))
    return fail('The server said how far it has this share in a way this app cannot read.')
  return ok({ state, progress: Math.min(progress, 1), expiresAtMs })
}

/** A refusal from the server's JSON body, or null when the body is not one. */
export function parseKeeperRefusal(input: unknown): KeeperRefusal | null {
  if (!isObject(input) || typeof input.error !== 'string' || typeof input.reason !== 'string') return null
  if (!Object.hasOwn(KEEPER_REFUSAL_STATUS, input.reason)) return null
  return { reason: input.reason as KeeperRefusalReason, error: input.error }
}
