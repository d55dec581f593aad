import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { prettyLine } from './log.js'

describe('prettyLine', () => {
  it('shows time, level and message, then the fields as key=value', () => {
    const time = new Date(2026, 11, 4, 9, 5, 7).getTime()
    const line = prettyLine(
      JSON.stringify({ level: 30, time, msg: 'Swarmdrop is running: open http://localhost:8080/', port: 8080 }),
    )
    assert.equal(line, '09:05:07 INFO  Swarmdrop is running: open http://localhost:8080/ port=8080\n')
    const warning = prettyLine(
      JSON.stringify({
        level: 40,
        time,
        msg: 'Worker 2 died',
        code: null,
        signal: 'SIGKILL',
        err: { message: 'gone away', stack: '…' },
      }),
    )
    assert.equal(warning, '09:05:07 WARN  Worker 2 died code=null signal=SIGKILL err="gone away"\n')
  })

  it('passes through what is not JSON', () => {
    assert.equal(prettyLine('plain text\n'), 'plain text\n')
  })
})
