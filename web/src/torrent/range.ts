import { fail, ok, type Result } from '@swarmdrop/common'

/**
 * Parses an HTTP Range header (RFC 9110 §14.1.2) for a body of `size` bytes: null for the whole body
 * (no header, or one this server ignores, such as several ranges), a range within it, or an error
 * when it lies wholly outside (416).
 */
export function parseRange(header: string | null, size: number): Result<{ start: number; end: number } | null> {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/)
  if (!match || (match[1] === '' && match[2] === '')) return ok(null)
  const [, first = '', last = ''] = match
  if (first === '') {
    const suffix = Number(last)
    if (suffix === 0 || size === 0) return fail('unsatisfiable range')
    return ok({ start: Math.max(0, size - suffix), end: size - 1 })
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (start >= size || end < start) return fail('unsatisfiable range')
  return ok({ start, end })
}

/** Media types a private share's file is served inline with: what the player and previews show. */
const INLINE_TYPE =
  /^(video\/[\w.+-]+|audio\/[\w.+-]+|image\/(png|jpeg|gif|webp|avif|bmp)|application\/pdf|text\/(plain|csv|markdown|vtt))$/

/**
 * The Content-Type a private share's file is served with. Its type comes from the sender's manifest,
 * and the file is served from the app's own origin: HTML, SVG or XML there could run script as the
 * app. Anything but plain media, images, PDF and text goes out as bytes.
 */
export const servedMediaType = (type: string): string => (INLINE_TYPE.test(type) ? type : 'application/octet-stream')
