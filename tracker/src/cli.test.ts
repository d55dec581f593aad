import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import WebSocket from 'ws'

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

/** Runs the real server and resolves once it listens, with its port and everything it has logged. */
async function startCli(env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', EMBEDDED_TURN: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const logs = { text: '' }
  child.stdout.on('data', (chunk: Buffer) => (logs.text += chunk.toString()))
  while (!/open http:\/\/127\.0\.0\.1:(\d+)/.test(logs.text)) await once(child.stdout, 'data')
  return { child, logs, port: /open http:\/\/127\.0\.0\.1:(\d+)/.exec(logs.text)![1] }
}

async function refusedMessageLog(env: Record<string, string>): Promise<Record<string, unknown>> {
  const { child, logs, port } = await startCli({ LOG_LEVEL: 'debug', ...env })
  const socket = new WebSocket(`ws://127.0.0.1:${port}/announce`)
  await once(socket, 'open')
  socket.send('not json')
  while (!/"reason":"not-json"/.test(logs.text)) await once(child.stdout, 'data')
  child.kill('SIGKILL')
  // Logs are JSON lines (pino), one object each.
  const lines = logs.text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>)
  return lines.find((line) => line.reason === 'not-json')!
}

describe('tracker cli', () => {
  it('logs refused input without the client address, unless LOG_IPS is on', async () => {
    const anonymous = await refusedMessageLog({})
    assert.equal(anonymous.msg, 'The message is not JSON.')
    assert.equal('ip' in anonymous, false)
    assert.equal((await refusedMessageLog({ LOG_IPS: 'true' })).ip, '127.0.0.1')
  })

  it('on SIGTERM tells WebSocket clients it is restarting (1012) and exits 0 within 5 s', async () => {
    const { child, port } = await startCli({})
    const socket = new WebSocket(`ws://127.0.0.1:${port}/announce`)
    await once(socket, 'open')
    const closed = once(socket, 'close')
    const startedMs = Date.now()
    child.kill('SIGTERM')
    const [code] = (await closed) as [number]
    const [exitCode] = (await once(child, 'exit')) as [number]
    assert.equal(code, 1012)
    assert.equal(exitCode, 0)
    assert.ok(Date.now() - startedMs < 5_000)
  })
})
