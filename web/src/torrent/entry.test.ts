import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sampleSpeed, type Entry } from './entry.js'

/** An entry whose torrent measures `speeds.now` bytes/s. */
function downloading(speeds: { now: number }): Entry {
  const torrent = {
    get downloadSpeed() {
      return speeds.now
    },
    uploadSpeed: 0,
  }
  return { torrent, smoothedSpeed: 0, speedReadAtMs: null, speedHistory: [] } as unknown as Entry
}

describe('sampleSpeed', () => {
  it('starts from the first reading, then follows a change by time, however often it is read', () => {
    const smoothedAfterJump = (readEveryMs: number) => {
      const speeds = { now: 1_000_000 }
      const entry = downloading(speeds)
      sampleSpeed(entry, 0, false)
      assert.equal(entry.smoothedSpeed, 1_000_000)
      speeds.now = 2_000_000
      for (let at = readEveryMs; at <= 2_500; at += readEveryMs) sampleSpeed(entry, at, false)
      return entry.smoothedSpeed
    }
    // 63 % of the way after 2.5 s, read every 250 ms, every 500 ms, or once.
    for (const every of [250, 500, 2_500])
      assert.ok(Math.abs(smoothedAfterJump(every) - 1_632_000) < 1_000, String(every))
  })

  it('keeps one history sample per call that asks for it, at most a minute of them', () => {
    const entry = downloading({ now: 5 })
    for (let second = 0; second < 70; second++) sampleSpeed(entry, second * 1_000, true)
    assert.equal(entry.speedHistory.length, 60)
  })
})
