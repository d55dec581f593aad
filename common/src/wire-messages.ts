/*
 * bittorrent-protocol's Wire writes a message that carries a payload (a 16 KiB block, above all) as
 * two writes: its header, then the payload. Over a WebRTC data channel every write is a message of
 * its own, so each block crossed as two, and the receiving Wire glued them back together before
 * parsing: a new buffer and a copy per block, on the receiver's busy main thread. Writing each
 * message whole halves the data-channel messages and takes that copy away (the sender, which has
 * time to spare, copies instead). Byte for byte, the stream is the same.
 */

type Wire = {
  _message(id: number, numbers: number[], data?: Uint8Array | null): void
  _push(data: Uint8Array): unknown
}

const PATCHED = Symbol.for('swarmdrop.wholeMessages')

/** Makes every Wire of `wire`'s class write each message in one piece. Patches the class once. */
export function writeMessagesWhole(wire: object): void {
  const prototype = Object.getPrototypeOf(wire) as Wire & { [PATCHED]?: true }
  if (prototype[PATCHED] || typeof prototype._message !== 'function') return
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
  prototype[PATCHED] = true
}
