/*
 * The messages of Swarmdrop's parallel-connections extension (BEP 10, name below): WebRTC signals
 * for extra connections between two peers that already have one, carried over that one (on the
 * extension, or on a data channel of their own beside it), and pings to measure its round trip.
 * JSON in UTF-8. Whatever a peer sends goes through parseParallelMessage.
 */

export const PARALLEL_EXTENSION = 'swarmdrop_parallel'

/** The largest message accepted (an offer's SDP is 1-3 KB). */
export const MAX_MESSAGE_BYTES = 16 * 1024
/** Connection numbers run from 1 up to this (a long download keeps trying more now and then). */
export const MAX_CONNECTION_NUMBER = 2 ** 31 - 1

/** What simple-peer emits and takes as a signal, with trickle on. */
export type Signal =
  | { type: 'offer' | 'answer'; sdp: string }
  | { type: 'candidate'; candidate: { candidate: string; sdpMLineIndex: number | null; sdpMid: string | null } }

export type ParallelMessage =
  /** `opener`: the connection is one the message's sender opened ("mine") or its receiver opened ("yours"). */
  | { type: 'signal'; connection: number; opener: 'mine' | 'yours'; signal: Signal }
  /** The receiver of an offer will not take another connection. */
  | { type: 'refuse'; connection: number }
  | { type: 'ping' | 'pong'; seq: number }
  /** Over the control channel: this side has its end of it (see connections.ts). */
  | { type: 'hello' }

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export const encodeParallelMessage = (message: ParallelMessage): Uint8Array<ArrayBuffer> =>
  encoder.encode(JSON.stringify(message))

export type Parsed = { ok: true; message: ParallelMessage } | { ok: false; error: string }

/** Reads one message from the wire; anything unexpected is an error, never an exception. */
export function parseParallelMessage(bytes: Uint8Array): Parsed {
  if (bytes.length > MAX_MESSAGE_BYTES) return fail(`a message of ${bytes.length} bytes`)
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(bytes))
  } catch {
    return fail('not JSON in UTF-8')
  }
  if (!isRecord(value)) return fail('not an object')
  switch (value.type) {
    case 'ping':
    case 'pong':
      return isCount(value.seq, Number.MAX_SAFE_INTEGER)
        ? { ok: true, message: { type: value.type, seq: value.seq } }
        : fail(`a ${value.type} without a sequence number`)
    case 'hello':
      return { ok: true, message: { type: 'hello' } }
    case 'refuse':
      return isCount(value.connection, MAX_CONNECTION_NUMBER)
        ? { ok: true, message: { type: 'refuse', connection: value.connection } }
        : fail('a refusal without a connection number')
    case 'signal': {
      if (!isCount(value.connection, MAX_CONNECTION_NUMBER)) return fail('a signal without a connection number')
      if (value.opener !== 'mine' && value.opener !== 'yours') return fail('a signal without its opener')
      const signal = parseSignal(value.signal)
      if (!signal) return fail('a signal that is neither an offer, an answer nor a candidate')
      return { ok: true, message: { type: 'signal', connection: value.connection, opener: value.opener, signal } }
    }
    default:
      return fail('an unknown type')
  }
}

function parseSignal(value: unknown): Signal | null {
  if (!isRecord(value)) return null
  if ((value.type === 'offer' || value.type === 'answer') && typeof value.sdp === 'string')
    return { type: value.type, sdp: value.sdp }
  if (value.type !== 'candidate' || !isRecord(value.candidate)) return null
  const { candidate, sdpMLineIndex, sdpMid } = value.candidate
  if (typeof candidate !== 'string') return null
  if (sdpMLineIndex !== null && !isCount(sdpMLineIndex, 64, 0)) return null
  if (sdpMid !== null && typeof sdpMid !== 'string') return null
  return { type: 'candidate', candidate: { candidate, sdpMLineIndex, sdpMid } }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const isCount = (value: unknown, max: number, min = 1): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max

const fail = (what: string): Parsed => ({ ok: false, error: `Ignored ${what} from a peer.` })
