import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { it } from 'node:test'
import { inlineScriptHashes, securityHeaders } from './security-headers.js'

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`

it("allows the page's inline scripts by hash, and nothing else inline", () => {
  const html = `<!doctype html><head><script type="module">openEarly()</script>
    <script type="module" crossorigin src="/assets/index-1.js"></script><script></script></head>`
  assert.deepEqual(inlineScriptHashes(html), [sha256('openEarly()')])
  const csp = securityHeaders([], inlineScriptHashes(html))['Content-Security-Policy']!
  assert.match(csp, new RegExp(`script-src 'self' ${sha256('openEarly()').replace(/[+/]/g, '\\$&')};`))
  assert.match(securityHeaders([])['Content-Security-Policy']!, /script-src 'self';/)
})
