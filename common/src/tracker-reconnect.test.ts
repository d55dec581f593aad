import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { reconnectDelayMs, reconnectTrackersPromptly } from './tracker-reconnect.js'

describe('prompt tracker reconnects', () => {
  it('retries within about 3 s for two minutes, then once a minute, with jitter', () => {
    assert.equal(reconnectDelayMs(0, () => 0), 250)
    assert.equal(reconnectDelayMs(1, () => 0), 500)
    assert.equal(reconnectDelayMs(3, () => 0.999), 2_999)
    assert.equal(reconnectDelayMs(40, () => 0), 2_000)
    assert.equal(reconnectDelayMs(48, () => 0), 60_000)
  })

  it('patches the WebSocket tracker class once, and leaves other trackers alone', () => {
    const opened: string[] = []
    class FakeWebSocketTracker {
      reconnecting = false
      retries = 0
      reconnectTimer: ReturnType<typeof setTimeout> | null = null
      _openSocket() {
        opened.push('open')
      }
      _startReconnectTimer() {
        throw new Error('the original schedule ran')
      }
    }
    class FakeHttpTracker {}
    const first = new FakeWebSocketTracker()
    reconnectTrackersPromptly({ _trackers: [first, new FakeHttpTracker()] })
    reconnectTrackersPromptly({ _trackers: [new FakeWebSocketTracker()] })
    first._startReconnectTimer()
    assert.equal(first.reconnecting, true)
    assert.ok(first.reconnectTimer)
    clearTimeout(first.reconnectTimer)
    assert.deepEqual(opened, [])
  })
})
