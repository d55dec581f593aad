import { patchClass } from '../check.js'
import { BLOCK_BYTES } from './block-size.js'

/*
 * webtorrent keeps a second of blocks requested from each peer, and asks for more below half a
 * second. A peer sends what it was asked for in order, so a block asked for now arrives after all
 * of that: a seek in a video that is still downloading waited ~0.6 s for the queue, twice (the
 * index at the file's end, then the new position). While a file streams, a quarter of a second in
 * flight keeps a connection busy for round trips up to that, and a seek waits a quarter as long.
 * Otherwise webtorrent's second stays: with it, a sender of four receivers uploads ~1.45 times the
 * file rather than ~1.8 (the receivers ask each other for more).
 */

/** Seconds of blocks (at the peer's current speed) kept requested, and the level that asks for more. */
export const PIPELINE_SECONDS = { full: 0.25, refill: 0.125 }

type Wire = { type?: string; requests: unknown[]; downloadSpeed(): number; peerExtendedHandshake?: { reqq?: unknown } }
type RequestingTorrent = {
  /** What to download, in order; a stream's (a player reading a file) are marked. */
  _selections: { length: number; get(index: number): { isStreamSelection?: boolean } }
  _updateWire(wire: Wire): unknown
  _request(wire: Wire, index: number, hotswap: boolean): boolean
}

/** Patches the class of `torrent` once. Web seeds keep webtorrent's own pipeline, counted in pieces. */
export function shortRequestPipelines(torrent: object): void {
  patchClass<RequestingTorrent>('short-request-pipelines', 'webtorrent Torrent', torrent, (prototype) => {
    const { _updateWire: updateWire, _request: request } = prototype
    prototype._updateWire = function (this: RequestingTorrent, wire: Wire) {
      if (shortens(this, wire) && wire.requests.length >= pipelineLength(wire, PIPELINE_SECONDS.refill))
        return undefined
      return updateWire.call(this, wire)
    }
    prototype._request = function (this: RequestingTorrent, wire: Wire, index: number, hotswap: boolean) {
      if (shortens(this, wire) && wire.requests.length >= pipelineLength(wire, PIPELINE_SECONDS.full)) return false
      return request.call(this, wire, index, hotswap)
    }
  })
}

/**
 * A seek ends one stream and starts another: in between no file streams, and webtorrent would fill
 * a whole second of requests that the new position then waits behind. So the short pipeline holds
 * for a while after the last stream.
 */
export const STREAM_GRACE_MS = 3_000
const lastStreamedAt = new WeakMap<RequestingTorrent, number>()

/**
 * Ends the short pipeline's grace after a read that was not a player's: a private share's manifest
 * is read as a stream once, at the start, and the whole download then ran 3 s on short pipelines.
 */
export function endStreamGrace(torrent: object): void {
  lastStreamedAt.delete(torrent as RequestingTorrent)
}

/** Whether a file of the torrent streams (or did a moment ago), and the wire is a peer's (not a web seed's). */
function shortens(torrent: RequestingTorrent, wire: Wire): boolean {
  if (wire.type === 'webSeed') return false
  const now = Date.now()
  const selections = torrent._selections
  for (let index = 0; index < selections.length; index++) {
    if (selections.get(index).isStreamSelection) {
      lastStreamedAt.set(torrent, now)
      return true
    }
  }
  return now - (lastStreamedAt.get(torrent) ?? -Infinity) < STREAM_GRACE_MS
}

/**
 * A pipeline's length in blocks: `seconds` at the peer's speed, at least one block. (webtorrent's
 * formula adds two blocks, which with 64 KiB blocks on a connection moving 80 KB/s, one of several
 * to a peer on a lossy path, held ~2.4 s of requests ahead of the piece a player waited for.)
 */
export function pipelineLength(wire: Wire, seconds: number): number {
  const length = Math.max(1, Math.ceil((seconds * wire.downloadSpeed()) / BLOCK_BYTES))
  const reqq = wire.peerExtendedHandshake?.reqq
  return typeof reqq === 'number' && reqq > 0 ? Math.min(length, reqq) : length
}
