import {
  KEEPER_PATH,
  KEPT_PATH_PREFIX,
  parseKeeperInfo,
  parseKeeperRefusal,
  parseKeptStatus,
  type KeeperInfo,
  type KeeperRefusal,
  type KeptStatus,
} from '@swarmdrop/common'

/*
 * The app's side of the server's keeper (common/src/keeper.ts): it seeds a private share for a while
 * after its sender leaves, holding only the encrypted records. Every request about a share carries the
 * keeper secret this browser made when it shared, which nobody else has.
 */

/** What the session shows of the keeper for a share of this browser. */
export type Keeping = {
  /** checking: after a reload, not asked yet; refused: the server said no (or dropped it), see `message`. */
  state: 'asking' | 'checking' | 'fetching' | 'kept' | 'refused'
  progress: number
  untilMs: number | null
  message: string | null
  checkedAtMs: number
}

const UNREACHABLE = 'The server could not be reached. Your share stays available while this tab is open.'

/**
 * The server's limits; a server without a keeper (or an older one, or a static host) says it is off.
 * Null when it cannot tell now: its keeper is (re)starting, or the server is out of reach.
 */
export async function keeperInfo(): Promise<KeeperInfo | null> {
  try {
    const response = await fetch(KEEPER_PATH)
    if (response.status === 503) return null
    const parsed = parseKeeperInfo(response.ok ? await response.json() : null)
    return parsed.ok ? parsed.value : { enabled: false }
  } catch {
    return null
  }
}

/** Asks the server to keep a share (or to keep it longer); a refusal comes back as its words. */
export const askToKeep = (infoHash: string, length: number, hours: number, secret: string) =>
  request('PUT', infoHash, secret, { length, hours })

/** How far the server has a share. */
export const keptStatus = (infoHash: string, secret: string) => request('GET', infoHash, secret)

/** Stops the server keeping a share. */
export async function stopKeeping(infoHash: string, secret: string): Promise<KeeperRefusal | null> {
  const answer = await request('DELETE', infoHash, secret)
  return 'reason' in answer && answer.reason !== 'not-found' ? answer : null
}

async function request(
  method: 'GET' | 'PUT' | 'DELETE',
  infoHash: string,
  secret: string,
  body?: object,
): Promise<KeptStatus | KeeperRefusal | { withdrawn: true }> {
  let response: Response
  let json: unknown
  try {
    response = await fetch(`${KEPT_PATH_PREFIX}${infoHash}`, {
      method,
      headers: { Authorization: `Bearer ${secret}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body && JSON.stringify(body),
    })
    json = await response.json()
  } catch {
    return { reason: 'off', error: UNREACHABLE }
  }
  if (!response.ok) return parseKeeperRefusal(json) ?? { reason: 'off', error: UNREACHABLE }
  if (method === 'DELETE') return { withdrawn: true }
  const status = parseKeptStatus(json)
  return status.ok ? status.value : { reason: 'off', error: status.error }
}
