import { createHmac, randomBytes } from 'node:crypto'

export type TurnCredentials = { username: string; credential: string; expiresAtMs: number }

/**
 * coturn's TURN REST scheme (`use-auth-secret`): the username is "<expiry in unix seconds>:<id>" and
 * the credential is base64(HMAC-SHA1(secret, username)). coturn checks both; nothing is stored.
 */
export function createTurnCredentials(
  secret: string,
  ttlS: number,
  nowMs = Date.now(),
  id = randomBytes(6).toString('hex'),
): TurnCredentials {
  const expiresAtS = Math.floor(nowMs / 1000) + ttlS
  const username = `${expiresAtS}:${id}`
  const credential = createHmac('sha1', secret).update(username).digest('base64')
  return { username, credential, expiresAtMs: expiresAtS * 1000 }
}
