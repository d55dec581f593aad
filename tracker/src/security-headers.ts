import { createHash } from 'node:crypto'

/**
 * Headers on everything the server sends. The CSP is what the app needs and no more: its own scripts
 * and styles (and the page's own inline scripts, by hash); images, media and frames from itself (the service worker streams) or blob: (saved files,
 * previews); WebSocket trackers anywhere over TLS (links and magnets name other trackers) plus the
 * configured extra ones; its own service worker.
 */
export function securityHeaders(extraTrackers: string[], scriptHashes: string[] = []): Record<string, string> {
  const connect = ["'self'", 'wss:', ...extraTrackers.filter((url) => url.startsWith('ws:'))]
  const csp = [
    "default-src 'self'",
    ["script-src 'self'", ...scriptHashes].join(' '),
    "style-src 'self'",
    "img-src 'self' blob: data:",
    "media-src 'self' blob:",
    "frame-src 'self' blob:",
    `connect-src ${connect.join(' ')}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
  return { 'Content-Security-Policy': csp, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }
}

/**
 * CSP sources (`'sha256-…'`) for the inline scripts of a page: the build puts one in index.html
 * (the early tracker socket, vite.config.ts), and a hash allows exactly it.
 */
export function inlineScriptHashes(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)]
    .filter(([tag, body]) => !/\bsrc\s*=/i.test(tag.slice(0, tag.indexOf('>'))) && body!.length > 0)
    .map(([, body]) => `'sha256-${createHash('sha256').update(body!).digest('base64')}'`)
}
