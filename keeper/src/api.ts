import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import { KEEPER_PATH, KEEPER_REFUSAL_STATUS, KEPT_PATH_PREFIX, type KeeperRefusal } from '@swarmdrop/common'
import type { Keeper } from './keeper.js'
import { keeperMetrics } from './metrics.js'

/** The largest request body the API reads: a keep request is a few dozen bytes. */
const MAX_BODY_BYTES = 4096

/**
 * The keeper's HTTP API (see common/src/keeper.ts), for the tracker to pass requests on to. It listens
 * on a Unix socket, so only this machine reaches it; the tracker sets X-Forwarded-For to the address
 * that asked. Also serves GET /metrics (Prometheus), which the tracker adds to its own.
 */
export function createKeeperApi(keeper: Keeper): http.Server {
  const metrics = keeperMetrics(keeper)
  return http.createServer((req, res) => {
    handle(keeper, metrics, req, res).catch((err: Error) =>
      send(res, 500, { reason: 'off', error: `The keeper failed: ${err.message}` }),
    )
  })
}

async function handle(
  keeper: Keeper,
  metrics: ReturnType<typeof keeperMetrics>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://keeper').pathname
  if (path === '/metrics' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': metrics.contentType })
    res.end(await metrics.metrics())
    return
  }
  if (path === KEEPER_PATH && req.method === 'GET') return send(res, 200, await keeper.info())
  if (!path.startsWith(KEPT_PATH_PREFIX)) return send(res, 404, { reason: 'not-found', error: 'Not found' })
  const infoHash = path.slice(KEPT_PATH_PREFIX.length).toLowerCase()
  const secret = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? ''
  switch (req.method) {
    case 'PUT': {
      const body = await readJson(req)
      const { length, hours } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
      const address = String(req.headers['x-forwarded-for'] ?? 'unknown')
      const outcome = await keeper.keep({
        infoHash,
        length: typeof length === 'number' ? length : NaN,
        hours: typeof hours === 'number' ? hours : NaN,
        secret,
        address,
      })
      return outcome.ok ? send(res, 200, outcome.value) : refuse(res, outcome.refusal)
    }
    case 'GET': {
      const outcome = keeper.status(infoHash, secret)
      return outcome.ok ? send(res, 200, outcome.value) : refuse(res, outcome.refusal)
    }
    case 'DELETE': {
      const outcome = await keeper.withdraw(infoHash, secret)
      return outcome.ok ? send(res, 200, { withdrawn: true }) : refuse(res, outcome.refusal)
    }
    default:
      res.setHeader('Allow', 'GET, PUT, DELETE')
      return send(res, 405, { reason: 'bad-request', error: 'Method not allowed' })
  }
}

/** The request's JSON body, or undefined when it is not JSON or too large. */
async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = ''
  for await (const chunk of req) {
    text += String(chunk)
    if (text.length > MAX_BODY_BYTES) return undefined
  }
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const refuse = (res: ServerResponse, refusal: KeeperRefusal) =>
  send(res, KEEPER_REFUSAL_STATUS[refusal.reason], refusal)

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end()
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}
