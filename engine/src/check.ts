import { WORKAROUNDS, workaroundsFor, type Runtime, type UpstreamClass, type WorkaroundId } from './manifest.js'

/*
 * Before a workaround touches an upstream object, the members the manifest names for its class are
 * checked on it, once per class. A mismatch (an upgrade renamed or removed one) throws where
 * mismatches are fatal (tests), and elsewhere is warned about once, counted, and the workaround
 * skipped: webtorrent then runs as it ships, slower or without a fix, but it runs.
 */

export type Mismatch = { id: WorkaroundId; upstream: UpstreamClass; missing: string[] }

/** What the engine has applied so far in this process, and what it had to skip. */
export type EngineReport = { applied: WorkaroundId[]; mismatches: Mismatch[] }

export class EngineMismatchError extends Error {
  constructor(readonly mismatch: Mismatch) {
    const { id, upstream, missing } = mismatch
    super(
      `webtorrent changed under the "${id}" workaround (written for ${WORKAROUNDS[id].writtenFor}): ${upstream} has no ${missing.join(', ')}.`,
    )
    this.name = 'EngineMismatchError'
  }
}

let mismatchesAreFatal = false
/** Checked pairs of workaround and class, per class prototype: whether they fit. */
const verdicts = new WeakMap<object, Map<string, boolean>>()
/** Classes each workaround has patched. */
const patched = new WeakMap<object, Set<WorkaroundId>>()
/** Upstream classes each workaround was found to fit. */
const fitting = new Map<WorkaroundId, Set<UpstreamClass>>()
const mismatches: Mismatch[] = []
const listeners = new Set<(report: EngineReport) => void>()

/** Tests make mismatches throw; the app and the hybrid node warn and go on. */
export function failOnMismatch(fatal: boolean): void {
  mismatchesAreFatal = fatal
}

export function engineReport(): EngineReport {
  const applied = (Object.keys(WORKAROUNDS) as WorkaroundId[]).filter((id) => {
    const classes = Object.keys(WORKAROUNDS[id].touches) as UpstreamClass[]
    return classes.every((upstream) => fitting.get(id)?.has(upstream))
  })
  return { applied, mismatches: [...mismatches] }
}

/** Calls `listener` with the report whenever it changes. */
export function onEngineReport(listener: (report: EngineReport) => void): () => void {
  listeners.add(listener)
  return () => listeners.delete(listener)
}

/** The workarounds of a runtime that touch a class. */
export const workaroundsOf = (runtime: Runtime, upstream: UpstreamClass): WorkaroundId[] =>
  workaroundsFor(runtime).filter((id) => upstream in WORKAROUNDS[id].touches)

/**
 * Whether `instance` (an object of `upstream`) has every member workaround `id` touches on that
 * class. `prototype` is what identifies its class (an instance's prototype by default).
 */
export function fits(
  id: WorkaroundId,
  upstream: UpstreamClass,
  instance: object | null | undefined,
  prototype: object | null = instance ? Object.getPrototypeOf(instance) : null,
): boolean {
  if (!instance || !prototype) return false
  const key = `${id} ${upstream}`
  let known = verdicts.get(prototype)
  const verdict = known?.get(key)
  if (verdict !== undefined) return verdict
  const members: readonly string[] =
    (WORKAROUNDS[id].touches as Partial<Record<UpstreamClass, readonly string[]>>)[upstream] ?? []
  const missing = members.filter((member) => !hasMember(instance, member))
  const fit = missing.length === 0
  if (!known) verdicts.set(prototype, (known = new Map()))
  known.set(key, fit)
  if (fit) {
    const classes = fitting.get(id) ?? new Set()
    fitting.set(id, classes.add(upstream))
  } else {
    mismatches.push({ id, upstream, missing })
  }
  const report = engineReport()
  for (const listener of listeners) listener(report)
  if (!fit) {
    const error = new EngineMismatchError({ id, upstream, missing })
    if (mismatchesAreFatal) throw error
    console.warn(`Swarmdrop: ${error.message} Going on without it.`)
  }
  return fit
}

/** Checks every workaround of `runtime` that touches `upstream` on `instance`, where it is complete. */
export function checkClass(runtime: Runtime, upstream: UpstreamClass, instance: object | null | undefined): void {
  for (const id of workaroundsOf(runtime, upstream)) fits(id, upstream, instance)
}

/**
 * Changes the class of `instance` once for workaround `id`, if its members fit. Every instance of
 * the class, before and after, shares the change. Returns whether the workaround is in place.
 */
export function patchClass<T extends object>(
  id: WorkaroundId,
  upstream: UpstreamClass,
  instance: object | null | undefined,
  patch: (prototype: T) => void,
): boolean {
  if (!instance) return false
  return patchPrototype(id, upstream, Object.getPrototypeOf(instance) as T, patch, instance)
}

/** The same, given the class's prototype (`instance`: what its members are checked on). */
export function patchPrototype<T extends object>(
  id: WorkaroundId,
  upstream: UpstreamClass,
  prototype: T,
  patch: (prototype: T) => void,
  instance: object = prototype,
): boolean {
  if (!fits(id, upstream, instance, prototype)) return false
  const done = patched.get(prototype) ?? new Set<WorkaroundId>()
  if (done.has(id)) return true
  patch(prototype)
  patched.set(prototype, done.add(id))
  return true
}

function hasMember(instance: object, member: string): boolean {
  if (member.startsWith('static ')) return member.slice('static '.length) in (instance.constructor ?? {})
  if (member.endsWith('()')) return typeof (instance as Record<string, unknown>)[member.slice(0, -2)] === 'function'
  return member in instance
}
