import { fail, ok, type Result } from './result.js'

const HEX_INFO_HASH = /^[0-9a-f]{40}$/i
const BASE32_INFO_HASH = /^[a-z2-7]{32}$/i
const BASE32_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567'

/** Accepts a v1 info hash as 40 hex digits or 32 base32 characters; returns lowercase hex. */
export function parseInfoHash(input: string): Result<string> {
  const text = input.trim()
  if (HEX_INFO_HASH.test(text)) return ok(text.toLowerCase())
  if (BASE32_INFO_HASH.test(text)) return ok(base32ToHex(text.toLowerCase()))
  return fail('An info hash is 40 hexadecimal digits (or 32 base32 characters).')
}

function base32ToHex(text: string): string {
  let bits = ''
  for (const char of text) bits += BASE32_ALPHABET.indexOf(char).toString(2).padStart(5, '0')
  let hex = ''
  for (let i = 0; i + 4 <= bits.length; i += 4) hex += parseInt(bits.slice(i, i + 4), 2).toString(16)
  return hex
}
