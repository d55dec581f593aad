import * as rtc from 'webrtc-polyfill'
import { WebSocket } from 'ws'

/*
 * webtorrent's browser bundle, the very file the app runs, loaded in Node for contract tests. It
 * needs what a page has and Node 20 lacks: `self`/`window`/`location`/`navigator`, WebSocket, WebRTC
 * (webrtc-polyfill, which the hybrid node also runs on) and Uint8Array's hex and base64 methods
 * (ES2025, which current browsers have).
 */

type WebTorrentClass = typeof import('webtorrent/dist/webtorrent.min.js').default

let loaded: Promise<WebTorrentClass> | null = null

export function loadBrowserBundle(): Promise<WebTorrentClass> {
  loaded ??= (async () => {
    const page = globalThis as Record<string, unknown>
    page.self ??= globalThis
    page.window ??= globalThis
    page.location ??= { protocol: 'http:' }
    page.navigator ??= { hardwareConcurrency: 2, userAgent: 'Node.js (Swarmdrop contract tests)' }
    page.WebSocket ??= WebSocket
    page.RTCPeerConnection ??= rtc.RTCPeerConnection
    page.RTCSessionDescription ??= rtc.RTCSessionDescription
    page.RTCIceCandidate ??= rtc.RTCIceCandidate
    const bytes = Uint8Array.prototype as unknown as Record<string, unknown>
    const asBuffer = (array: Uint8Array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength)
    bytes.toHex ??= function (this: Uint8Array) {
      return asBuffer(this).toString('hex')
    }
    bytes.toBase64 ??= function (this: Uint8Array) {
      return asBuffer(this).toString('base64')
    }
    const arrays = Uint8Array as unknown as Record<string, unknown>
    arrays.fromHex ??= (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'))
    arrays.fromBase64 ??= (base64: string) => new Uint8Array(Buffer.from(base64, 'base64'))
    return (await import('webtorrent/dist/webtorrent.min.js')).default
  })()
  return loaded
}
