import http, { type IncomingMessage, type ServerResponse } from 'node:http'

/** How long the tracker waits for the keeper before telling the browser it is unavailable. */
const KEEPER_TIMEOUT_MS = 10_000
const UNAVAILABLE = JSON.stringify({
  reason: 'off',
  error: 'The server’s keeper is not running right now. Your share stays available while this tab is open.',
})

/**
 * The tracker's side of the keeper (keeper/src/api.ts): app requests passed on over its Unix socket,
 * with the address that asked, and its metrics. Works the same from every tracker worker.
 */
export class KeeperLink {
  constructor(readonly socketPath: string) {}

  /** Passes a request on as it is (method, path, authorization, body); 503 while the keeper is not up. */
  forward(req: IncomingMessage, res: ServerResponse, address: string): void {
    const upstream = http.request(
      {
        socketPath: this.socketPath,
        method: req.method,
        path: req.url,
        timeout: KEEPER_TIMEOUT_MS,
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': address,
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
        },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          'Content-Type': 'application/json; charset=utf-8',
          'Cache-Control': 'no-store',
        })
        answer.pipe(res)
      },
    )
    const unavailable = () => {
      upstream.destroy()
      if (res.headersSent) return void res.destroy()
      res.writeHead(503, { 'Content-Type': 'application/json; charset=utf-8', 'Retry-After': '10' }).end(UNAVAILABLE)
    }
    upstream.once('error', unavailable).once('timeout', unavailable)
    req.pipe(upstream)
  }

  /** The keeper's Prometheus text, or '' while it is not up. */
  metrics(): Promise<string> {
    return new Promise((resolve) => {
      const upstream = http.get({ socketPath: this.socketPath, path: '/metrics', timeout: 2_000 }, (answer) => {
        let text = ''
        answer.setEncoding('utf8').on('data', (chunk: string) => (text += chunk))
        answer.once('end', () => resolve(answer.statusCode === 200 ? text : ''))
        answer.once('error', () => resolve(''))
      })
      upstream.once('error', () => resolve('')).once('timeout', () => upstream.destroy())
    })
  }
}
