import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { transfer, type Build } from '../contract/swarm.js'
import { ConnectionGrowth, GROWTH_RULES } from './growth.js'
import { encodeParallelMessage, parseParallelMessage, type ParallelMessage } from './messages.js'

describe('parallel-connection messages', () => {
  const roundTrip = (message: ParallelMessage) => parseParallelMessage(encodeParallelMessage(message))

  it('reads back what it writes', () => {
    const messages: ParallelMessage[] = [
      { type: 'ping', seq: 1 },
      { type: 'pong', seq: 7 },
      { type: 'refuse', connection: 3 },
      { type: 'signal', connection: 1, opener: 'mine', signal: { type: 'offer', sdp: 'v=0\r\n' } },
      {
        type: 'signal',
        connection: 2,
        opener: 'yours',
        signal: {
          type: 'candidate',
          candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 9 typ host', sdpMLineIndex: 0, sdpMid: '0' },
        },
      },
    ]
    for (const message of messages) assert.deepEqual(roundTrip(message), { ok: true, message })
  })

  it('turns anything else into an error, never an exception', () => {
    const bad = [
      new Uint8Array([0xff, 0xfe]),
      new TextEncoder().encode('[1]'),
      new TextEncoder().encode('{"type":"ping"}'),
      new TextEncoder().encode('{"type":"signal","connection":0,"opener":"mine","signal":{"type":"offer","sdp":""}}'),
      new TextEncoder().encode('{"type":"signal","connection":1,"opener":"nobody","signal":{"type":"offer","sdp":""}}'),
      new TextEncoder().encode('{"type":"signal","connection":1,"opener":"mine","signal":{"type":"renegotiate"}}'),
      new TextEncoder().encode('{"type":"refuse","connection":1e10}'),
      new TextEncoder().encode('{"type":"toString"}'),
      new Uint8Array(64 * 1024).fill(0x20),
    ]
    for (const bytes of bad) assert.equal(parseParallelMessage(bytes).ok, false)
  })
})

describe('ConnectionGrowth', () => {
  /** Runs the policy for `seconds` against a path whose rate (bytes/ms) depends on the connections. */
  function drive(options: {
    rttMs: number
    seconds: number
    rate: (connections: number) => number
    wanted?: boolean
    streaming?: boolean
    /** The queue the path shows with this many connections. */
    queueMs?: (connections: number) => number
  }) {
    const growth = new ConnectionGrowth()
    let connected = 1
    let bytes = 0
    const counts = [connected]
    for (let t = 0; t <= options.seconds * 1000; t += 250) {
      bytes += options.rate(connected) * 250
      const decision = growth.update({
        nowMs: t,
        bytes,
        rttMs: options.rttMs,
        connected,
        wanted: options.wanted ?? true,
        streaming: options.streaming ?? false,
        queueMs: options.queueMs?.(connected) ?? null,
      })
      if (decision && 'open' in decision) connected += decision.open
      if (decision && 'close' in decision) connected -= decision.close
      if (counts.at(-1) !== connected) counts.push(connected)
    }
    return counts
  }

  it('keeps one connection on a short path, however slow', () => {
    assert.deepEqual(drive({ rttMs: 2, seconds: 60, rate: () => 10 }), [1])
  })

  it('keeps one while nothing is wanted from the peer', () => {
    assert.deepEqual(drive({ rttMs: 100, seconds: 60, rate: () => 10, wanted: false }), [1])
  })

  it('multiplies by four up to the maximum on a long lossy path, where each connection adds its own share', () => {
    assert.deepEqual(drive({ rttMs: 100, seconds: 60, rate: (n) => 200 * n }), [1, 4, 16, 32])
  })

  it('stops and closes the last step once the path is full', () => {
    // Five connections fill the link: of the step to sixteen, the one connection's worth it added is kept.
    assert.deepEqual(drive({ rttMs: 200, seconds: 15, rate: (n) => 200 * Math.min(n, 5) }), [1, 4, 16, 5])
    // Eight fill it: four of the twelve added stay.
    assert.deepEqual(drive({ rttMs: 200, seconds: 15, rate: (n) => 200 * Math.min(n, 8) }), [1, 4, 16, 8])
    // Four fill it: the step to sixteen adds nothing, and is undone.
    assert.deepEqual(drive({ rttMs: 200, seconds: 15, rate: (n) => 200 * Math.min(n, 4) }), [1, 4, 16, 4])
  })

  it('keeps what a step that adds a little is worth, and grows no further for a while', () => {
    // The twelve added to four brought 160 % of one connection: two of them stay.
    const counts = drive({ rttMs: 50, seconds: 19, rate: (n) => (n <= 4 ? 100 * n : 560) })
    assert.deepEqual(counts, [1, 4, 16, 6])
  })

  it('closes a step that adds nothing, and tries again later, less and less often', () => {
    // Trials at ~2 s, ~27 s, ~69 s, ~151 s: waits of 20, 40 and 80 s after each.
    assert.deepEqual(drive({ rttMs: 50, seconds: 30, rate: () => 100 }), [1, 4, 1, 4, 1])
    assert.deepEqual(drive({ rttMs: 50, seconds: 140, rate: () => 100 }), [1, 4, 1, 4, 1, 4, 1])
    assert.equal(drive({ rttMs: 50, seconds: 160, rate: () => 100 }).length, 9)
    // While a person watches a file, the first step is taken unmeasured and stays.
    assert.deepEqual(drive({ rttMs: 50, seconds: 30, rate: () => 100, streaming: true }), [1, 4, 16, 4, 16, 4])
  })

  it('gives the extra connections back while the path shows a queue, and grows again later', () => {
    // Past eight connections the link is full and its queue grows: the step to sixteen is undone.
    const full = drive({ rttMs: 100, seconds: 30, rate: (n) => 200 * Math.min(n, 8), queueMs: (n) => (n > 8 ? 60 : 2) })
    assert.deepEqual(full, [1, 4, 16, 4, 16])
    // A queue from someone else's flow (a TCP download beside, from 10 s on): the step under way is
    // undone, and after 3 s of it, back to one.
    let t = 0
    const beside = drive({
      rttMs: 100,
      seconds: 30,
      rate: (n) => 200 * n,
      queueMs: () => ((t += 250) > 10_000 ? 60 : 2),
    })
    assert.deepEqual(beside, [1, 4, 16, 32, 16, 1])
  })

  it('waits a whole window of steady rate before its first trial, longer on longer paths', () => {
    const growth = new ConnectionGrowth()
    const at = (nowMs: number) =>
      growth.update({ nowMs, bytes: nowMs * 10, rttMs: 400, connected: 1, wanted: true, queueMs: null })
    assert.equal(at(0), null)
    // 10 round trips of 400 ms: 4 s, not the 2 s floor.
    assert.equal(at(2_000), null)
    assert.equal(at(3_900), null)
    assert.deepEqual(at(4_000), { open: 3 })
  })

  it('while a person watches, takes the first step once the round trip is known, and measures a whole window before the next', () => {
    const growth = new ConnectionGrowth()
    const at = (nowMs: number, connected: number, rttMs: number | null = 400) =>
      growth.update({ nowMs, bytes: nowMs * 10, rttMs, connected, wanted: true, queueMs: null, streaming: true })
    assert.equal(at(0, 1, null), null)
    assert.deepEqual(at(100, 1), { open: 3 })
    // Up at 500 ms, then settling for 3 round trips (1.2 s), then 10 round trips of 400 ms: 4 s, not the 2 s floor.
    assert.equal(at(500, 4), null)
    assert.equal(at(3_700, 4), null)
    assert.equal(at(5_600, 4), null)
    assert.deepEqual(at(5_700, 4), { open: 12 })
    assert.equal(GROWTH_RULES.windowRtts * 400, 4_000)
  })
})

/*
 * Two real clients of each build on 127.0.0.1, with the leecher's download held to 0.5-1 MiB/s so the
 * transfer lasts, and the policy told that loopback is a long path where every connection pays.
 */
const FORCED = {
  rules: {
    ...{ minRttMs: 0, settleMs: 100, settleRtts: 0, windowMs: 300, windowRtts: 0, max: 4 },
    ...{ growGain: -Infinity },
  },
}

for (const build of ['node', 'browser'] as const satisfies Build[]) {
  describe(`parallel connections, webtorrent's ${build} build`, () => {
    it('opens more connections to the same peer and spreads the download over them', async () => {
      const swarm = await transfer(build, {
        parallel: { leecher: FORCED, seeder: {} },
        leecherBytesPerSecond: 512 * 1024,
      })
      try {
        assert.ok(Buffer.from(swarm.received).equals(Buffer.from(swarm.sent)))
        const carrying = swarm.bytesPerConnection.filter((bytes) => bytes > 0)
        assert.ok(carrying.length >= 2, `bytes per connection: ${swarm.bytesPerConnection.join(', ')}`)
      } finally {
        await swarm.close()
      }
    })

    it('keeps to one connection with a peer that does not speak the extension (stock webtorrent)', async () => {
      const swarm = await transfer(build, {
        parallel: { leecher: FORCED, seeder: false },
        leecherBytesPerSecond: 1024 * 1024,
      })
      try {
        assert.ok(Buffer.from(swarm.received).equals(Buffer.from(swarm.sent)))
        assert.equal(swarm.bytesPerConnection.length, 1)
      } finally {
        await swarm.close()
      }
    })
  })
}
