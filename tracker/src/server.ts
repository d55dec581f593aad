import dgram from 'node:dgram'
import { EventEmitter } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isIPv6 } from 'node:net'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { Server as TrackerServer } from 'bittorrent-tracker'
import { RateLimiterMemory } from 'rate-limiter-flexible'
import sirv from 'sirv'
import { WebSocketServer } from 'ws'
import {
  ANNOUNCE_INTERVAL_MS,
  CLIENT_CONFIG_PATH,
  KEEPER_PATH,
  KEPT_PATH_PREFIX,
  RTC_CONFIG_PATH,
  TRACKER_ANNOUNCE_PATH,
  type ClientConfig,
} from '@swarmdrop/common'
import type { ServerConfig } from './config.js'
import { TrackerCounters, TrackerMetrics } from './metrics.js'
import type { KeeperLink } from './keeper-link.js'
import { isOriginAllowed } from './origins.js'
import { RedisDirectory } from './scale/redis-directory.js'
import { inlineScriptHashes, securityHeaders } from './security-headers.js'
import { addStats, swarmStats, type SwarmStats } from './stats.js'
import { rtcConfigFor } from './turn/rtc-config.js'
import { ConnectionAdmission } from './ws/admission.js'
import { openFileLimit } from './ws/file-limit.js'
import type { RejectionReason } from './ws/protocol.js'
import { WebSocketTracker } from './ws/web-socket-tracker.js'
import { neverHandPeersThemselves, withSourceAddress } from './udp-announce.js'

/** Where webtorrent's service worker serves files to media elements (see web/src/torrent/stream-server.ts). */
const STREAM_PATH_PREFIX = '/webtorrent/'
const WEBSOCKET_PATHS = new Set([TRACKER_ANNOUNCE_PATH, '/'])
/** File descriptors kept back from WebSocket clients for the app's files, UDP, logs and the TURN supervisor. */
const RESERVED_FILE_DESCRIPTORS = 512
/** How long a graceful close waits for clients to acknowledge before cutting them off. */
const CLOSE_GRACE_MS = 1_000
/** WebSocket close code 1012: "service restart", so clients reconnect rather than give up. */
const CLOSE_SERVICE_RESTART = 1012

/** Emitted as `rejected` for every refused client message or connection. */
export type Rejection = { reason: RejectionReason; detail: string; address: string }

export type ListeningAddress = { port: number; host: string; url: string }

/**
 * One process, one port: the built web app, the WebSocket tracker browsers use, and the HTTP and UDP
 * trackers classic clients use. Emits `warning` for bad client input (never fatal) and `error` when
 * the server itself failed.
 */
export class SwarmdropServer extends EventEmitter {
  /** bittorrent-tracker, for classic clients over HTTP and UDP. */
  readonly tracker: TrackerServer
  /** The WebSocket tracker browsers use. */
  readonly webSocketTracker: WebSocketTracker
  readonly http: http.Server
  readonly counters = new TrackerCounters()
  readonly metrics: TrackerMetrics
  /** Swarms shared with other instances, when REDIS_URL is set. */
  readonly directory: RedisDirectory | null
  private readonly wss: WebSocketServer
  private readonly admission: ConnectionAdmission
  private readonly securityHeaders: Record<string, string>
  private readonly udpSockets: dgram.Socket[] = []
  private readonly serveApp: (req: IncomingMessage, res: ServerResponse, next: () => void) => void
  private readonly startedAtMs = Date.now()
  /** TURN credentials per IP: enough for many tabs, too few to use the relay as a free proxy farm. */
  private readonly rtcConfigLimiter: RateLimiterMemory
  /** The keeper (shares kept after their sender leaves), once its process is up; null when it is off. */
  keeper: KeeperLink | null = null
  private destroyed = false

  constructor(private readonly config: ServerConfig) {
    super()
    if (!existsSync(join(config.webRoot, 'index.html'))) {
      throw new Error(
        `The web app is not built: ${join(config.webRoot, 'index.html')} is missing. Run "npm run build".`,
      )
    }
    this.serveApp = sirv(config.webRoot, {
      single: true,
      etag: true,
      // The build writes .br and .gz beside each text file (vite.config.ts): sent to browsers that accept them.
      brotli: true,
      gzip: true,
      setHeaders: (res, pathname) => {
        // Vite names assets by content hash, so they never change; index.html must always be fresh.
        res.setHeader(
          'Cache-Control',
          pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        )
      },
    })

    this.securityHeaders = securityHeaders(
      config.extraTrackers,
      inlineScriptHashes(readFileSync(join(config.webRoot, 'index.html'), 'utf8')),
    )

    this.tracker = new TrackerServer({
      interval: ANNOUNCE_INTERVAL_MS,
      trustProxy: config.trustProxy,
      http: false,
      udp: false,
      ws: false,
      stats: false,
    })
    neverHandPeersThemselves(this.tracker)
    this.tracker.on('warning', (err: Error) => this.emit('warning', err))
    this.tracker.on('error', (err: Error) => this.emit('warning', err))

    const { limits } = config
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: limits.maxMessageBytes,
      perMessageDeflate: false,
      clientTracking: false,
      skipUTF8Validation: true,
    })
    // A peer is forgotten by other instances once it has been silent as long as an idle socket may be.
    this.directory = config.redisUrl ? new RedisDirectory(config.redisUrl, limits.idleTimeoutS * 1000) : null
    this.directory?.on('warning', (err: Error) => this.emit('warning', err))
    this.directory?.on('state', (state: string) => this.emit('redis', state))
    // webtorrent clients announce every interval / 5 over WebSocket (12 s).
    this.webSocketTracker = new WebSocketTracker({
      limits,
      intervalS: Math.ceil(ANNOUNCE_INTERVAL_MS / 1000 / 5),
      counters: this.counters,
      directory: this.directory ?? undefined,
    })
    this.webSocketTracker.on('rejected', (rejection: Rejection) => this.emit('rejected', rejection))
    this.admission = new ConnectionAdmission(limits)
    this.metrics = new TrackerMetrics(this.counters, () => ({
      ...this.stats(),
      sockets: this.webSocketTracker.socketCount,
      redisUp: this.redisState() === 'up' ? 1 : 0,
    }))

    this.rtcConfigLimiter = new RateLimiterMemory({ points: config.rtcConfigPerMinute, duration: 60 })
    this.http = http.createServer((req, res) => this.onRequest(req, res))
    // Past the open-file limit accept() fails; refuse new connections earlier so existing peers keep being served.
    this.http.maxConnections = limits.maxConnections || Math.max(256, openFileLimit() - RESERVED_FILE_DESCRIPTORS)
    this.http.on('drop', () => this.counters.reject('server-full'))
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.onUpgrade(req, socket, head))
    this.http.on('clientError', (_err, socket) => socket.destroy())
  }

  /** 'off' without REDIS_URL; otherwise whether Redis is reachable (while it is not, this instance serves its own peers). */
  redisState(): 'off' | 'up' | 'down' {
    return this.directory?.state ?? 'off'
  }

  /** Swarms of both trackers: browsers (WebSocket) and classic clients (HTTP, UDP). */
  stats(): SwarmStats {
    return addStats(this.webSocketTracker.stats(), swarmStats(this.tracker.torrents))
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
    await this.directory?.start()
    const address = this.http.address() as AddressInfo
    // UDP announces use the same port number as HTTP, so one number describes the whole tracker.
    await this.bindUdp(address.port)
    const shownHost = host ?? 'localhost'
    const urlHost = isIPv6(shownHost) ? `[${shownHost}]` : shownHost
    return { port: address.port, host: shownHost, url: `http://${urlHost}:${address.port}/` }
  }

  /**
   * Stops accepting, tells WebSocket clients the tracker is restarting (close code 1012, so they
   * reconnect), gives them a moment to acknowledge, then closes everything. Safe to call more than once.
   */
  async close(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    const httpClosed = new Promise<void>((resolve) => this.http.close(() => resolve()))
    for (const socket of this.udpSockets) socket.close()
    await Promise.race([
      this.webSocketTracker.closeAll(CLOSE_SERVICE_RESTART, 'Tracker restarting'),
      sleep(CLOSE_GRACE_MS),
    ])
    this.webSocketTracker.destroy()
    this.admission.destroy()
    await this.directory?.destroy()
    await new Promise<void>((resolve) => this.tracker.close(() => resolve()))
    this.http.closeAllConnections()
    await httpClosed
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(this.securityHeaders)) res.setHeader(name, value)
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    switch (pathname) {
      case TRACKER_ANNOUNCE_PATH:
      case '/scrape':
        return this.tracker.onHttpRequest(req, res)
      case '/healthz':
        return sendJson(res, 200, {
          status: 'ok',
          uptimeS: Math.round((Date.now() - this.startedAtMs) / 1000),
          redis: this.redisState(),
          instance: this.directory?.instanceId,
        })
      case '/stats':
        return sendJson(res, 200, this.stats())
      case '/metrics':
        void Promise.all([this.metrics.registry.metrics(), this.keeper?.metrics() ?? '']).then(([own, keeper]) => {
          res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType, 'Cache-Control': 'no-store' })
          res.end(keeper ? `${own}\n${keeper}` : own)
        })
        return
      case CLIENT_CONFIG_PATH:
        return sendJson(res, 200, { extraTrackers: this.config.extraTrackers } satisfies ClientConfig)
      case RTC_CONFIG_PATH:
        return this.onRtcConfig(req, res)
      case KEEPER_PATH:
        return this.onKeeper(req, res)
      case SHARE_TARGET_PATH:
        // The app's service worker receives files shared to it; without one (not installed yet), the app opens.
        res.writeHead(303, { Location: '/?shared=failed' }).end()
        return
      default:
        // Stream URLs belong to the service worker; reaching the server means it did not answer them.
        if (pathname.startsWith(KEPT_PATH_PREFIX)) return this.onKeeper(req, res)
        if (pathname.startsWith(STREAM_PATH_PREFIX))
          return sendJson(res, 404, { error: 'Not found: streaming needs the service worker' })
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'Method not allowed' })
        return this.serveApp(req, res, () => sendJson(res, 404, { error: 'Not found' }))
    }
  }

  /** ICE servers with TURN credentials: only for the app's pages (or allowed origins), rate limited per IP. */
  private onRtcConfig(req: IncomingMessage, res: ServerResponse): void {
    if (!isOriginAllowed(req, this.config.allowedOrigins, { anyOriginWhenUnset: false })) {
      this.reject('origin', 'Origin may not use the relay.', req)
      return sendJson(res, 403, { error: "This origin may not use this server's relay." })
    }
    if (!this.config.turn) return sendJson(res, 200, rtcConfigFor(this.config, req.headers.host))
    this.rtcConfigLimiter.consume(this.clientAddress(req)).then(
      () => sendJson(res, 200, rtcConfigFor(this.config, req.headers.host)),
      () => {
        this.reject('rtc-config-rate', 'Too many requests for relay credentials.', req)
        res.setHeader('Retry-After', '60')
        sendJson(res, 429, { error: 'Too many requests for relay credentials; try again in a minute.' })
      },
    )
  }

  /** The keeper's API (common/src/keeper.ts), for the app's own pages; passed on to its process. */
  private onKeeper(req: IncomingMessage, res: ServerResponse): void {
    if (!this.config.keeper) {
      if (req.method === 'GET' && req.url === KEEPER_PATH) return sendJson(res, 200, { enabled: false })
      return sendJson(res, 503, { reason: 'off', error: 'This server does not keep shares.' })
    }
    if (!isOriginAllowed(req, this.config.allowedOrigins, { anyOriginWhenUnset: false })) {
      this.reject('origin', 'Origin may not use the keeper.', req)
      return sendJson(res, 403, { reason: 'forbidden', error: "This origin may not use this server's keeper." })
    }
    if (!this.keeper) return sendJson(res, 503, { reason: 'off', error: 'The server’s keeper is starting; try again.' })
    this.keeper.forward(req, res, this.clientAddress(req))
  }

  private clientAddress(req: IncomingMessage): string {
    const forwarded = this.config.trustProxy
      ? String(req.headers['x-forwarded-for'] ?? '')
          .split(',')[0]
          ?.trim()
      : ''
    return forwarded || req.socket.remoteAddress || 'unknown'
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy())
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname
    if (this.destroyed || !WEBSOCKET_PATHS.has(pathname)) return refuseUpgrade(socket, 404, 'Not Found')
    if (!isOriginAllowed(req, this.config.allowedOrigins, { anyOriginWhenUnset: true })) {
      this.reject('origin', 'Origin may not use the tracker.', req)
      return refuseUpgrade(socket, 403, 'Forbidden')
    }
    const address = this.clientAddress(req)
    const refused = this.admission.admit(address)
    if (refused) {
      this.reject(refused, 'Connection refused by the per-address limits.', req)
      return refuseUpgrade(socket, 429, 'Too Many Requests')
    }
    // Released when the TCP socket closes, whether or not the upgrade completes.
    socket.once('close', () => this.admission.release(address))
    this.wss.handleUpgrade(req, socket, head, (ws) => this.webSocketTracker.accept(ws, address, socket))
  }

  private reject(reason: RejectionReason, detail: string, req: IncomingMessage): void {
    this.counters.reject(reason)
    this.emit('rejected', { reason, detail, address: this.clientAddress(req) } satisfies Rejection)
  }

  private async bindUdp(port: number): Promise<void> {
    const { host } = this.config
    const families: Array<'udp4' | 'udp6'> = host === undefined ? ['udp4', 'udp6'] : isIPv6(host) ? ['udp6'] : ['udp4']
    for (const type of families) {
      const socket = dgram.createSocket({ type, reuseAddr: true, ipv6Only: type === 'udp6' })
      socket.on('message', (message, remote) => this.tracker.onUdpRequest(withSourceAddress(message), remote))
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

/** Where the installed app's share target posts files (web/public/manifest.webmanifest). */
const SHARE_TARGET_PATH = '/share-target'

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n\r\n`)
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref())

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(JSON.stringify(body))
}
