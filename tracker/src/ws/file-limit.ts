import { readFileSync } from 'node:fs'

/** Used where /proc is missing (not Linux): Node's usual soft limit on macOS is far lower, but so is such a deployment. */
const FALLBACK_OPEN_FILE_LIMIT = 10_000

/** This process's soft limit on open files (`ulimit -n`), read from /proc on Linux. */
export function openFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    if (match) return Number(match[1])
  } catch {
    // Not Linux.
  }
  return FALLBACK_OPEN_FILE_LIMIT
}
