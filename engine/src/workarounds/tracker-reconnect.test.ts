import assert from 'node:assert/strict'
import { describe, it, mock } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { reconnectDelayMs, reconnectPromptly } from './tracker-reconnect.js'

/** bittorrent-tracker's WebSocketTracker as far as the schedule sees it. */
class FakeWebSocketTracker {
  reconnecting = false
  retries = 0
  reconnectTimer: ReturnType<typeof setTimeout> | null = null
  _openSocket() {}
  _startReconnectTimer() {
    throw new Error('the original schedule ran')
  }
}

// The real classes: bittorrent-tracker's (the Node build's) and the browser bundle's copy.
const trackerClasses = [
  { name: 'a fake', WebSocketTracker: FakeWebSocketTracker as new () => object },
  { name: 'the Node build', WebSocketTracker: (await upstreamClasses('node')).WebSocketTracker },
  { name: 'the browser bundle', WebSocketTracker: (await upstreamClasses('browser')).WebSocketTracker },
]

describe('prompt tracker reconnects', () => {
  it('retries within about 3 s for two minutes, then once a minute, with jitter', () => {
    assert.equal(
      reconnectDelayMs(0, () => 0),
      250,
    )
    assert.equal(
      reconnectDelayMs(1, () => 0),
      500,
    )
    assert.equal(
      reconnectDelayMs(3, () => 0.999),
      2_999,
    )
    assert.equal(
      reconnectDelayMs(40, () => 0),
      2_000,
    )
    assert.equal(
      reconnectDelayMs(48, () => 0),
      60_000,
    )
  })

  for (const { name, WebSocketTracker } of trackerClasses) {
    it(`reopens a lost socket within 1.25 s on the first retry, on ${name}`, (context) => {
      context.mock.timers.enable({ apis: ['setTimeout'] })
      // The class's own methods, with the fields its constructor would set (it would open a socket).
      const opened = mock.fn()
      const tracker = Object.assign(Object.create(WebSocketTracker.prototype) as object, {
        reconnecting: false,
        retries: 0,
        reconnectTimer: null,
        _openSocket: opened,
      })
      reconnectPromptly(tracker)
      reconnectPromptly(new FakeWebSocketTracker()) // once per class
      const reconnecting = tracker as unknown as FakeWebSocketTracker
      reconnecting._startReconnectTimer()
      assert.equal(reconnecting.reconnecting, true)
      context.mock.timers.tick(1_249)
      assert.equal(opened.mock.callCount(), 1, "upstream's first retry comes after 10 s at the soonest")
      assert.equal(reconnecting.retries, 1)
    })
  }
})
