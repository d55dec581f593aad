/*
 * Storage failures as each browser reports them. Chromium and Safari throw a DOMException named
 * QuotaExceededError; Firefox's private file system throws a plain object named after its internal
 * code (NS_ERROR_FILE_NO_DEVICE_SPACE), and an IndexedDB transaction it aborts for want of space can
 * reject with null. All of them mean the same to a person: this browser ran out of room.
 */

const OUT_OF_SPACE_NAMES = new Set([
  'QuotaExceededError',
  'NS_ERROR_FILE_NO_DEVICE_SPACE',
  'NS_ERROR_DOM_QUOTA_REACHED',
  'NS_ERROR_FILE_TOO_BIG',
])
const OUT_OF_SPACE_TEXT = /quota|no space|storage.*full|NO_DEVICE_SPACE|QUOTA_REACHED/i

/** Whether a failure of browser storage means it is full (or, for a failure with no reason at all, likely is). */
export function isOutOfSpace(err: unknown): boolean {
  if (err === null || err === undefined) return true
  const { name, message } = describeFailure(err)
  return OUT_OF_SPACE_NAMES.has(name) || OUT_OF_SPACE_TEXT.test(`${name} ${message}`)
}

/** An Error for whatever a browser threw or rejected with: DOMExceptions, Firefox's NS_ERROR objects, null. */
export function asError(err: unknown): Error {
  if (err instanceof Error) return err
  const { name, message } = describeFailure(err)
  return Object.assign(new Error(message || name || 'The browser refused to store it and gave no reason.'), {
    name: name || 'Error',
  })
}

function describeFailure(err: unknown): { name: string; message: string } {
  if (typeof err !== 'object' || err === null)
    return { name: '', message: err === undefined || err === null ? '' : String(err) }
  const { name, message } = err as { name?: unknown; message?: unknown }
  return { name: typeof name === 'string' ? name : '', message: typeof message === 'string' ? message : '' }
}

/** The message a person reads when a torrent stops for want of space. */
export const OUT_OF_SPACE_MESSAGE =
  'This browser ran out of storage space, so this torrent stopped. Delete other torrents to make room, then resume it.'
