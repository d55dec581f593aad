import { patchClass } from '../check.js'
import { BLOCK_BYTES } from './block-size.js'

/*
 * What a player waits for, first, from the connection that brings it soonest. Measured on a 100 ms
 * path with 0.5 % loss (bench wan), webtorrent as it is:
 *
 * - A piece a stream's reader waits for (webtorrent marks it and the next two "critical") was asked
 *   for in selection order like any other: a seek to the file's end waited ~2.5 s behind the 15
 *   pieces of the tail selection before the one the player read.
 * - It went to whichever connection refilled first. With several connections to a peer (parallel/),
 *   that was often one just opened, still in slow start: a seek's first piece arrived 2.3 s after it
 *   was asked for, after the ten behind it.
 * - After a seek the player (Chromium) went on reading its earlier response for seconds, and that
 *   stream shared every refill with the new one, its waits as "critical" as the new one's.
 *
 * So: a connection that refills asks first for the pieces the newest reader waits for among its
 * first MiB (past that, a player reads far ahead of what it shows, and its waits are no one's: a
 * player kept waiting on its read-ahead starved a file's tail that a seek needed); only one
 * expected to deliver them about as soon as any other could (its requests ahead, at its speed)
 * takes them, and one refused asks for the pieces behind instead (the faster one takes them at its
 * next refill, a fraction of a second later at most: request-pipeline.ts keeps pipelines short while
 * a file streams). A newer reader's stream puts the older ones at the whole torrent's priority; they
 * get it back, newest first, when it ends.
 */

/** A connection may take an urgent piece unless another would deliver it this many times sooner. */
export const URGENT_SLACK = 1.5
/** How far from where it starts a reader's waits are urgent: what a player needs to show a first frame. */
export const URGENT_BYTES = 1024 * 1024
/** The priority webtorrent gives a file stream's selection (a reader's: a player, a save). */
const READER_PRIORITY = 1

type Wire = {
  type?: string
  destroyed?: boolean
  peerChoking: boolean
  requests: unknown[]
  peerPieces: { get(index: number): boolean }
  downloadSpeed(): number
}
type Selection = { from: number; to: number; priority: number; isStreamSelection?: boolean }
type RequestingTorrent = {
  done: boolean
  pieceLength: number
  pieces: ReadonlyArray<unknown>
  _critical: boolean[]
  wires: Wire[]
  bitfield: { get(index: number): boolean } | null
  _selections: {
    length: number
    get(index: number): Selection
    sort(order: (a: Selection, b: Selection) => number): void
  }
  critical(start: number, end: number): void
  _select(start: number, end: number, priority: number, notify: unknown, isStreamSelection?: boolean): void
  _deselect(start: number, end: number, isStreamSelection?: boolean): void
  _updateWire(wire: Wire): unknown
  _request(wire: Wire, index: number, hotswap: boolean): boolean
}

type Urgency = {
  /** Pieces marked critical and not yet held (webtorrent's own list only ever grows). */
  waitedFor: Set<number>
  /** Readers' stream selections, oldest first; the last one has the reader's priority. */
  readers: Selection[]
}
const urgencies = new WeakMap<RequestingTorrent, Urgency>()
const urgencyOf = (torrent: RequestingTorrent): Urgency => {
  let urgency = urgencies.get(torrent)
  if (!urgency) urgencies.set(torrent, (urgency = { waitedFor: new Set(), readers: [] }))
  return urgency
}

/** Patches the class of `torrent` once. Call it on 'metadata'. */
export function urgentPiecesFirst(torrent: object): void {
  patchClass<RequestingTorrent>('urgent-pieces', 'webtorrent Torrent', torrent, (prototype) => {
    const { critical, _select: select, _deselect: deselect, _updateWire: updateWire, _request: request } = prototype
    prototype.critical = function (this: RequestingTorrent, start: number, end: number) {
      const { waitedFor } = urgencyOf(this)
      // A reader near a file's end marks pieces past the torrent's last: webtorrent has none to ask for.
      for (let index = start; index <= Math.min(end, this.pieces.length - 1); index++) waitedFor.add(index)
      return critical.call(this, start, end)
    }
    prototype._select = function (this: RequestingTorrent, start, end, priority, notify, isStreamSelection) {
      const reader = isStreamSelection && priority === READER_PRIORITY
      const { readers } = urgencyOf(this)
      // Before webtorrent's own refill, which runs within the call.
      if (reader) for (const older of readers) older.priority = 0
      select.call(this, start, end, priority, notify, isStreamSelection)
      const added = reader ? newestSelection(this, start, end) : null
      if (added) readers.push(added)
    }
    prototype._deselect = function (this: RequestingTorrent, start, end, isStreamSelection) {
      deselect.call(this, start, end, isStreamSelection)
      newestReader(this)
    }
    prototype._updateWire = function (this: RequestingTorrent, wire: Wire) {
      // A torrent that has everything asks for nothing.
      if (this.done) return updateWire.call(this, wire)
      if (wire.type !== 'webSeed' && !wire.destroyed && !wire.peerChoking) {
        const { waitedFor } = urgencyOf(this)
        for (const index of waitedFor) {
          if (this.bitfield?.get(index)) waitedFor.delete(index)
          else if (isUrgent(this, index) && wire.peerPieces.get(index)) while (this._request(wire, index, false));
        }
      }
      return updateWire.call(this, wire)
    }
    prototype._request = function (this: RequestingTorrent, wire: Wire, index: number, hotswap: boolean) {
      if (wire.type !== 'webSeed' && isUrgent(this, index) && fasterElsewhere(this.wires, wire, index)) return false
      return request.call(this, wire, index, hotswap)
    }
  })
}

/** A piece a reader waits for, within the first MiB of the newest reader's range (an older reader's waits can wait). */
function isUrgent(torrent: RequestingTorrent, index: number): boolean {
  if (!torrent._critical[index]) return false
  const newest = newestReader(torrent)
  if (!newest) return false
  const last = Math.min(newest.to, newest.from + Math.ceil(URGENT_BYTES / torrent.pieceLength) - 1)
  return index >= newest.from && index <= last
}

/**
 * The newest reader's selection still in the torrent (webtorrent drops a selection once it has
 * every piece, and a reader's when it ends), which gets the reader's priority back if it had lost it.
 */
function newestReader(torrent: RequestingTorrent): Selection | undefined {
  const readers = urgencies.get(torrent)?.readers
  if (!readers?.length) return undefined
  const present = new Set<Selection>()
  for (let index = 0; index < torrent._selections.length; index++) present.add(torrent._selections.get(index))
  while (readers.length && !present.has(readers.at(-1)!)) readers.pop()
  for (let index = readers.length - 2; index >= 0; index--) if (!present.has(readers[index]!)) readers.splice(index, 1)
  const newest = readers.at(-1)
  if (newest && newest.priority !== READER_PRIORITY) {
    newest.priority = READER_PRIORITY
    // webtorrent's own order: highest priority first (the sort is stable).
    torrent._selections.sort((a, b) => b.priority - a.priority)
  }
  return newest
}

/** The reader's selection webtorrent has just added for `from`..`to` (older readers have lost its priority). */
function newestSelection(torrent: RequestingTorrent, from: number, to: number): Selection | null {
  for (let index = torrent._selections.length - 1; index >= 0; index--) {
    const selection = torrent._selections.get(index)
    const { isStreamSelection, priority } = selection
    if (isStreamSelection && priority === READER_PRIORITY && selection.from === from && selection.to === to)
      return selection
  }
  return null
}

/** Whether another connection that has piece `index` would deliver one more block well before `wire`. */
export function fasterElsewhere(wires: readonly Wire[], wire: Wire, index: number): boolean {
  const mine = deliveryMs(wire)
  return wires.some(
    (other) =>
      other !== wire &&
      other.type !== 'webSeed' &&
      !other.destroyed &&
      !other.peerChoking &&
      other.peerPieces.get(index) &&
      URGENT_SLACK * deliveryMs(other) < mine,
  )
}

/** How long until one more block requested on `wire` would arrive: the blocks ahead of it, at its speed. */
export function deliveryMs(wire: Wire): number {
  const bytesPerMs = wire.downloadSpeed() / 1000
  return bytesPerMs > 0 ? ((wire.requests.length + 1) * BLOCK_BYTES) / bytesPerMs : Infinity
}
