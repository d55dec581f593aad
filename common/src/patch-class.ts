/*
 * Swarmdrop's run-time patches to webtorrent's internals (wire-writes, tracker-offers, …) replace
 * methods on a class's prototype, reached through one of its instances: once per class, however
 * many instances come by, so every torrent, tracker and wire shares them.
 */

/** Runs `patch` on the prototype of `instance` unless a patch with this `marker` already did. */
export function patchClassOnce<T extends object>(instance: object | null | undefined, marker: symbol, patch: (prototype: T) => void): void {
  if (!instance) return
  const prototype = Object.getPrototypeOf(instance) as Record<symbol, unknown>
  if (prototype[marker]) return
  patch(prototype as T)
  prototype[marker] = true
}

/**
 * The same for the trackers of a bittorrent-tracker client (`torrent.discovery.tracker`) that have
 * `method`: its WebSocket trackers, not its HTTP or UDP ones.
 */
export function patchTrackerClassesOnce<T extends object>(trackerClient: { _trackers?: unknown[] }, method: string, marker: symbol, patch: (prototype: T) => void): void {
  for (const tracker of trackerClient._trackers ?? []) {
    if (typeof (tracker as Record<string, unknown>)[method] === 'function') patchClassOnce(tracker as object, marker, patch)
  }
}
