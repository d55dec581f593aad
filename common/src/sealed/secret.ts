import { fail, ok, type Result } from '../result.js'

/** Bytes of a private share's secret (RFC 8188's IKM): 128 bits, as AES-128 gives. */
export const SEALED_SECRET_BYTES = 16

export const randomSecret = (): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(SEALED_SECRET_BYTES))

/** The secret as it appears in a share link: base64url, no padding (22 characters; bytes of any length encode the same way). */
export function encodeSecret(secret: Uint8Array): string {
  return btoa(String.fromCharCode(...secret))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
}

export function parseSecret(text: string): Result<Uint8Array> {
  const damaged = fail<Uint8Array>(
    'This link’s key is damaged or cut short. Ask the sender to copy the whole link again.',
  )
  if (!/^[A-Za-z0-9_-]{22}$/.test(text)) return damaged
  let decoded: string
  try {
    decoded = atob(text.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    return damaged
  }
  if (decoded.length !== SEALED_SECRET_BYTES) return damaged
  return ok(Uint8Array.from(decoded, (char) => char.charCodeAt(0)))
}
