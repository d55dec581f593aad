import { patchClass } from '../check.js'

/*
 * bittorrent-protocol's Wire writes every message on its own, and a message that carries a payload
 * (a 16 KiB block, above all) as two writes: its header, then the payload. Over a WebRTC data channel
 * each write is a message of its own, with its own cost in the browser on both ends. So:
 * - a block crossed as two messages, and the receiving Wire glued them back together before parsing
 *   (a new buffer and a copy per block, on the receiver's busy main thread);
 * - a receiver refilling its pipeline sent hundreds of 17-byte requests as hundreds of messages, one
 *   per block it will receive (on a bare data channel whose receiver also hashes and stores, such
 *   requests cost 14 % more CPU for the same transfer).
 * Here a message goes out whole, and the small messages a Wire writes in one task go out together at
 * its end (except on Wires that may encrypt: their cipher can switch on between two writes). The
 * bytes on the wire, and their order, are the same: BitTorrent is a byte stream, and the Wire at the
 * other end parses it whatever the chunking.
 */

type Wire = {
  _message(id: number, numbers: number[], data?: Uint8Array | null): void
  _push(data: Uint8Array): unknown
  /** Set on Wires that may encrypt (BEP 8 / MSE), which switch encryption on between two writes. */
  _encryptor?: unknown
  [PENDING]?: { parts: Uint8Array[]; bytes: number }
}

const PENDING = Symbol('pending small messages')
/** Messages up to this size wait for the end of the task; larger ones (blocks) go at once. */
const SMALL_BYTES = 1024
/** A batch is written once it holds this much. */
const BATCH_BYTES = 16 * 1024

/** Makes every Wire of `wire`'s class write its messages whole and its small ones together. Patches the class once. */
export function batchWireWrites(wire: object): void {
  patchClass<Wire>('wire-writes', 'bittorrent-protocol Wire', wire, patchWire)
}

function patchWire(prototype: Wire): void {
  const push = prototype._push

  const flush = (wire: Wire): void => {
    const pending = wire[PENDING]
    if (!pending?.parts.length) return
    wire[PENDING] = { parts: [], bytes: 0 }
    push.call(wire, pending.parts.length === 1 ? pending.parts[0]! : concat(pending.parts, pending.bytes))
  }

  prototype._message = function (this: Wire, id, numbers, data) {
    const headerLength = 5 + 4 * numbers.length
    const message = new Uint8Array(headerLength + (data?.length ?? 0))
    const view = new DataView(message.buffer)
    view.setUint32(0, message.length - 4)
    message[4] = id
    numbers.forEach((number, i) => view.setUint32(5 + 4 * i, number))
    if (data) message.set(data, headerLength)
    this._push(message)
  }

  prototype._push = function (this: Wire, data: Uint8Array) {
    if (data.length > SMALL_BYTES || this._encryptor) {
      flush(this)
      return push.call(this, data)
    }
    const pending = (this[PENDING] ??= { parts: [], bytes: 0 })
    pending.parts.push(data)
    pending.bytes += data.length
    if (pending.parts.length === 1) queueMicrotask(() => flush(this))
    else if (pending.bytes >= BATCH_BYTES) flush(this)
    return true
  }
}

function concat(parts: Uint8Array[], bytes: number): Uint8Array {
  const joined = new Uint8Array(bytes)
  let offset = 0
  for (const part of parts) {
    joined.set(part, offset)
    offset += part.length
  }
  return joined
}
