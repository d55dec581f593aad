import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseRange, servedMediaType } from './range.js'

describe('parseRange', () => {
  it('reads the forms players send', () => {
    assert.deepEqual(parseRange('bytes=0-', 100), { ok: true, value: { start: 0, end: 99 } })
    assert.deepEqual(parseRange('bytes=10-19', 100), { ok: true, value: { start: 10, end: 19 } })
    assert.deepEqual(parseRange('bytes=90-500', 100), { ok: true, value: { start: 90, end: 99 } })
    assert.deepEqual(parseRange('bytes=-10', 100), { ok: true, value: { start: 90, end: 99 } })
    assert.deepEqual(parseRange('bytes=-500', 100), { ok: true, value: { start: 0, end: 99 } })
  })

  it('serves the whole body for no range or one it ignores, and refuses one outside', () => {
    for (const header of [null, '', 'bytes=-', 'items=0-1', 'bytes=0-1,5-6'])
      assert.deepEqual(parseRange(header, 100), { ok: true, value: null }, String(header))
    for (const header of ['bytes=100-', 'bytes=50-10', 'bytes=-0'])
      assert.equal(parseRange(header, 100).ok, false, header)
  })
})

describe('servedMediaType', () => {
  it('serves media, images, PDF and text as they are, and anything that could run script as bytes', () => {
    for (const type of ['video/webm', 'audio/ogg', 'image/png', 'application/pdf', 'text/plain'])
      assert.equal(servedMediaType(type), type)
    for (const type of [
      'text/html',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/javascript',
      '',
      'text/html; charset=utf-8',
    ]) {
      assert.equal(servedMediaType(type), 'application/octet-stream', type)
    }
  })
})
