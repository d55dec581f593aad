import { styleText } from 'node:util'
import pino, { type Logger } from 'pino'

const LEVELS: Record<number, { name: string; colour: Parameters<typeof styleText>[0] }> = {
  10: { name: 'TRACE', colour: 'gray' },
  20: { name: 'DEBUG', colour: 'gray' },
  30: { name: 'INFO', colour: 'green' },
  40: { name: 'WARN', colour: 'yellow' },
  50: { name: 'ERROR', colour: 'red' },
  60: { name: 'FATAL', colour: 'magenta' },
}

/**
 * The server's logger: JSON lines (pino) for log collectors, or, when a person watches a terminal,
 * one readable line per entry (time, level, message, then the fields as key=value).
 */
export function createLogger(level: string, { pretty = Boolean(process.stdout.isTTY) } = {}): Logger {
  const options = { base: undefined, level }
  if (!pretty) return pino(options)
  return pino(options, { write: (line: string) => process.stdout.write(prettyLine(line, true)) })
}

/** One pino JSON line as a person reads it; `colour` adds terminal colours. */
export function prettyLine(json: string, colour = false): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(json) as Record<string, unknown>
  } catch {
    return json
  }
  const { level, time, msg, ...fields } = entry
  const shown = LEVELS[Number(level)] ?? { name: String(level), colour: 'white' as const }
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (colour ? styleText(style, text) : text)
  const clock = new Date(Number(time)).toTimeString().slice(0, 8)
  const extra = Object.entries(fields).map(([key, value]) => `${key}=${fieldText(value)}`)
  const head = `${paint('dim', clock)} ${paint(shown.colour, shown.name.padEnd(5))} ${String(msg ?? '')}`
  return [head, ...(extra.length > 0 ? [paint('dim', extra.join(' '))] : [])].join(' ') + '\n'
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value
  if (value && typeof value === 'object' && 'message' in value)
    return JSON.stringify((value as { message: unknown }).message)
  return JSON.stringify(value)
}
