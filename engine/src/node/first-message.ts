import { fits, patchClass } from '../check.js'

/*
 * BEP 3 allows the bitfield only as the first message after the handshake, and strict clients
 * (rTorrent) drop a connection that sends it later. webtorrent sent it late twice over:
 * - with metadata, its extended handshake (BEP 10) went out first, the bitfield a moment after;
 * - without (a magnet), once the metadata had come through that very connection, so rTorrent dropped
 *   the connection that had just brought it.
 * Here a wire that starts with metadata sends its bitfield (or BEP 6 have-all/have-none) before the
 * extended handshake; one that started without it is told of the pieces held with `have` messages,
 * or nothing when none are, which BEP 3 reads as having none.
 */

type Bitfield = { get(index: number): boolean }
type Wire = {
  _sendExtendedHandshake(): void
  bitfield(bitfield: Bitfield): void
  have(index: number): void
  haveAll(): void
  haveNone(): void
}
type GreetingTorrent = {
  _onWire(wire: Wire, addr?: string): void
  _onWireWithMetadata(wire: Wire): void
  ready: boolean
  pieces: unknown[]
  bitfield: Bitfield
}

/** Wires that were past their first message when the torrent got its metadata. */
const joinedWithoutMetadata = new WeakSet<Wire>()

/** Patches the class of `torrent` once. */
export function sendBitfieldFirst(torrent: object): void {
  patchClass<GreetingTorrent>('bitfield-first', 'webtorrent Torrent', torrent, (prototype) => {
    const { _onWire: onWire, _onWireWithMetadata: onWireWithMetadata } = prototype
    prototype._onWire = function (this: GreetingTorrent, wire: Wire, addr?: string) {
      const ready = this.ready
      // webtorrent queues the bitfield for a microtask from here when ready; the extended handshake,
      // sent right after this returns, waits one microtask more.
      onWire.call(this, wire, addr)
      if (!fits('bitfield-first', 'bittorrent-protocol Wire', wire)) return
      if (ready) holdExtendedHandshake(wire)
      else joinedWithoutMetadata.add(wire)
    }
    prototype._onWireWithMetadata = function (this: GreetingTorrent, wire: Wire) {
      if (!joinedWithoutMetadata.has(wire)) return onWireWithMetadata.call(this, wire)
      const pieceCount = this.pieces.length
      const tell = (held: (index: number) => boolean) => {
        for (let index = 0; index < pieceCount; index++) if (held(index)) wire.have(index)
      }
      Object.assign(wire, {
        bitfield: (bitfield: Bitfield) => tell((index) => bitfield.get(index)),
        haveAll: () => tell(() => true),
        haveNone: () => {},
      })
      try {
        onWireWithMetadata.call(this, wire)
      } finally {
        for (const name of ['bitfield', 'haveAll', 'haveNone'] as const) delete (wire as Partial<Wire>)[name]
      }
    }
  })
}

function holdExtendedHandshake(wire: Wire): void {
  const send = wire._sendExtendedHandshake
  let queued = false
  wire._sendExtendedHandshake = () => {
    if (queued) return
    queued = true
    queueMicrotask(() => {
      delete (wire as Partial<Wire>)._sendExtendedHandshake
      send.call(wire)
    })
  }
}
