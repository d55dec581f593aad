import dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import { existsSync } from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isIPv6 } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { Server as TrackerServer } from 'bittorrent-tracker'
import { RateLimiterMemory } from 'rate-limiter-flexible'
import sirv from 'sirv'
import { ANNOUNCE_INTERVAL_MS, CLIENT_CONFIG_PATH, RTC_CONFIG_PATH, TRACKER_ANNOUNCE_PATH, type ClientConfig } from '@swarmdrop/common'
import type { ServerConfig } from './config.js'
import { TrackerMetrics } from './metrics.js'
import { isOriginAllowed } from './origins.js'
import { swarmStats } from './stats.js'
import { rtcConfigFor } from './turn/rtc-config.js'
import { guardTrackerMessage, type SocketState } from './ws-guard.js'

/** Largest WebSocket message accepted from a peer; an announce with ten SDP offers is ~30 KiB. */
const MAX_WS_MESSAGE_BYTES = 256 * 1024
/** Where webtorrent's service worker serves files to media elements (see web/src/torrent/stream-server.ts). */
const STREAM_PATH_PREFIX = '/webtorrent/'
const WEBSOCKET_PATHS = new Set([TRACKER_ANNOUNCE_PATH, '/'])
/** A socket that keeps sending refused messages is closed (1008, policy violation). */
const MAX_INVALID_MESSAGES_PER_SOCKET = 20

type TrackerSocket = {
  emit(event: string, ...args: unknown[]): boolean
  on(event: 'close', listener: () => void): unknown
  send(data: string): void
  close(code: number, reason: string): void
}
const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const

export type ListeningAddress = { port: number; host: string; url: string }

/**
 * One process, one port: the built web app, the WebSocket tracker browsers use, and the HTTP and UDP
 * trackers classic clients use. Emits `warning` for bad client input (never fatal) and `error` when
 * the server itself failed.
 */
export class SwarmdropServer extends EventEmitter {
  readonly tracker: TrackerServer
  readonly http: http.Server
  readonly metrics = new TrackerMetrics(() => swarmStats(this.tracker.torrents))
  private readonly udpSockets: dgram.Socket[] = []
  private readonly serveApp: (req: IncomingMessage, res: ServerResponse, next: () => void) => void
  private readonly startedAtMs = Date.now()
  /** TURN credentials per IP: enough for many tabs, too few to use the relay as a free proxy farm. */
  private readonly rtcConfigLimiter: RateLimiterMemory
  private destroyed = false

  constructor(private readonly config: ServerConfig) {
    super()
    if (!existsSync(join(config.webRoot, 'index.html'))) {
      throw new Error(`The web app is not built: ${join(config.webRoot, 'index.html')} is missing. Run "npm run build".`)
    }
    this.serveApp = sirv(config.webRoot, {
      single: true,
      etag: true,
      setHeaders: (res, pathname) => {
        // Vite names assets by content hash, so they never change; index.html must always be fresh.
        res.setHeader('Cache-Control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
      },
    })

    this.tracker = new TrackerServer({
      interval: ANNOUNCE_INTERVAL_MS,
      trustProxy: config.trustProxy,
      http: false,
      udp: false,
      stats: false,
      ws: { noServer: true, maxPayload: MAX_WS_MESSAGE_BYTES },
    })
    this.tracker.on('warning', (err: Error) => this.emit('warning', err))
    this.tracker.on('error', (err: Error) => this.emit('warning', err))

    this.rtcConfigLimiter = new RateLimiterMemory({ points: config.rtcConfigPerMinute, duration: 60 })
    this.http = http.createServer((req, res) => this.onRequest(req, res))
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head))
    this.http.on('clientError', (_err, socket) => socket.destroy())
  }

  async listen(): Promise<ListeningAddress> {
    const { port, host } = this.config
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject)
      this.http.listen(port, host, () => {
        this.http.off('error', reject)
        this.http.on('error', (err) => this.emit('error', err))
        resolve()
      })
    })
    const address = this.http.address() as AddressInfo
    // UDP announces use the same port number as HTTP, so one number describes the whole tracker.
    await this.bindUdp(address.port)
    const shownHost = host ?? 'localhost'
    const urlHost = isIPv6(shownHost) ? `[${shownHost}]` : shownHost
    return { port: address.port, host: shownHost, url: `http://${urlHost}:${address.port}/` }
  }

  /** Stops accepting, closes every socket and the tracker. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    for (const socket of this.udpSockets) socket.close()
    await new Promise<void>((resolve) => this.tracker.close(() => resolve()))
    this.http.closeAllConnections()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value)
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    switch (pathname) {
      case TRACKER_ANNOUNCE_PATH:
      case '/scrape':
        return this.tracker.onHttpRequest(req, res)
      case '/healthz':
        return sendJson(res, 200, { status: 'ok', uptimeS: Math.round((Date.now() - this.startedAtMs) / 1000) })
      case '/stats':
        return sendJson(res, 200, swarmStats(this.tracker.torrents))
      case '/metrics':
        void this.metrics.registry.metrics().then((text) => {
          res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType, 'Cache-Control': 'no-store' })
          res.end(text)
        })
        return
      case CLIENT_CONFIG_PATH:
        return sendJson(res, 200, { extraTrackers: this.config.extraTrackers } satisfies ClientConfig)
      case RTC_CONFIG_PATH:
        return this.onRtcConfig(req, res)
      default:
        // Stream URLs belong to the service worker; reaching the server means it did not answer them.
        if (pathname.startsWith(STREAM_PATH_PREFIX)) return sendJson(res, 404, { error: 'Not found: streaming needs the service worker' })
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'Method not allowed' })
        return this.serveApp(req, res, () => sendJson(res, 404, { error: 'Not found' }))
    }
  }

  /** ICE servers with TURN credentials: only for the app's pages (or allowed origins), rate limited per IP. */
  private onRtcConfig(req: IncomingMessage, res: ServerResponse): void {
    if (!isOriginAllowed(req, this.config.allowedOrigins, { anyOriginWhenUnset: false })) {
      this.metrics.rejected('origin')
      return sendJson(res, 403, { error: 'This origin may not use this server\'s relay.' })
    }
    if (!this.config.turn) return sendJson(res, 200, rtcConfigFor(this.config, req.headers.host))
    this.rtcConfigLimiter.consume(this.clientAddress(req)).then(
      () => sendJson(res, 200, rtcConfigFor(this.config, req.headers.host)),
      () => {
        this.metrics.rejected('rate-limit')
        res.setHeader('Retry-After', '60')
        sendJson(res, 429, { error: 'Too many requests for relay credentials; try again in a minute.' })
      },
    )
  }

  private clientAddress(req: IncomingMessage): string {
    const forwarded = this.config.trustProxy ? String(req.headers['x-forwarded-for'] ?? '').split(',')[0]?.trim() : ''
    return forwarded || req.socket.remoteAddress || 'unknown'
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    const wss = this.tracker.ws
    if (!wss || this.destroyed || !WEBSOCKET_PATHS.has(pathname)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
      return
    }
    if (!isOriginAllowed(req, this.config.allowedOrigins, { anyOriginWhenUnset: true })) {
      this.metrics.rejected('origin')
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      this.guard(ws as TrackerSocket)
      wss.emit('connection', ws, req)
    })
  }

  /**
   * Puts the message guard in front of bittorrent-tracker's own 'message' listener: refused
   * messages get a failure reason and never reach it; a socket that keeps sending them is closed.
   */
  private guard(ws: TrackerSocket): void {
    const state: SocketState = { swarms: new Set() }
    let invalid = 0
    this.metrics.socketOpened()
    ws.on('close', () => this.metrics.socketClosed())
    const emit = ws.emit.bind(ws)
    ws.emit = (event: string, ...args: unknown[]): boolean => {
      if (event !== 'message') return emit(event, ...args)
      const result = guardTrackerMessage(String(args[0]), state)
      if (result.ok) {
        this.metrics.accepted(result.offers, result.answer)
        return emit('message', result.message, ...args.slice(1))
      }
      this.metrics.rejected(result.reason)
      this.emit('warning', new Error(`WebSocket message refused (${result.reason})`))
      ws.send(JSON.stringify({ 'failure reason': result.detail }))
      if (++invalid >= MAX_INVALID_MESSAGES_PER_SOCKET) {
        this.metrics.rejected('too-many-invalid')
        ws.close(1008, 'Too many invalid messages')
      }
      return true
    }
  }

  private async bindUdp(port: number): Promise<void> {
    const { host } = this.config
    const families: Array<'udp4' | 'udp6'> = host === undefined ? ['udp4', 'udp6'] : isIPv6(host) ? ['udp6'] : ['udp4']
    for (const type of families) {
      const socket = dgram.createSocket({ type, reuseAddr: true, ipv6Only: type === 'udp6' })
      socket.on('message', (message, remote) => this.tracker.onUdpRequest(message, remote))
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('error', reject)
          socket.bind(port, host ?? (type === 'udp4' ? '0.0.0.0' : '::'), () => {
            socket.off('error', reject)
            resolve()
          })
        })
      } catch (err) {
        socket.close()
        // A machine without IPv6 still serves UDP over IPv4; anything else is a real failure.
        if (type === 'udp6' && families.length > 1) {
          this.emit('warning', new Error(`UDP tracker not available over IPv6: ${(err as Error).message}`))
          continue
        }
        throw err
      }
      socket.on('error', (err) => this.emit('warning', err))
      this.udpSockets.push(socket)
      // bittorrent-tracker answers UDP requests through these two fields.
      if (type === 'udp4') this.tracker.udp4 = socket
      else this.tracker.udp6 = socket
    }
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}
