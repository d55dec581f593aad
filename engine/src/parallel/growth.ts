/*
 * When to open more connections to one peer, and when to stop: the policy alone, with time and bytes
 * given to it, so it is tested without a network.
 *
 * One WebRTC connection is one SCTP association, whose loss-based congestion control holds it to a
 * few percent of a lossy long path (0.2 MiB/s on 100 ms with 0.5 % loss, where TCP BBR moves 5.8).
 * Each further connection has its own window. So on a long path a receiver multiplies its
 * connections to a peer by four (1, 4, 16, 32) while each step adds at least half of what one
 * connection carried. While a person watches a file, the first step is taken as soon as the round trip is
 * known, unmeasured: on every long path measured four connections paid (bench wan), and a player
 * starting a video or seeking cannot wait the seconds a rate takes to measure. (Taken so for every
 * download, the app held 16 connections on the clean 40 ms path by the time a TCP flow started
 * beside it, 4 s in, and the flow got 0.14 of its rate.) Other steps are measured: one that
 * added less keeps as many connections as it added worth (twelve added that brought one
 * connection's worth: one kept), and one that added nothing is closed. A short path (a LAN: the
 * window opens within milliseconds) keeps its one connection. A path whose round trip stays up under
 * the load has a queue at its bottleneck, where these connections crowd out other flows: every extra
 * one closes, and growth tries again later. (Closing half every 3 s took 12 s from 16 connections,
 * while a TCP download beside got 0.19 of its rate on a clean 40 ms path.)
 */

export type GrowthRules = {
  /** Below this round trip a path is short: one connection fills it. */
  minRttMs: number
  /** Connections to one peer, the first included. */
  max: number
  /** Each trial multiplies the connections by this (up to the maximum). */
  stepFactor: number
  /** After the new connections are up, before measuring: they leave slow start. */
  settleMs: number
  settleRtts: number
  /** How long a rate is measured, before and after (the longer of ms and round trips). */
  windowMs: number
  windowRtts: number
  /** How long new connections may take to connect before the trial goes on without them. */
  connectTimeoutMs: number
  /** Each added connection must add this share of what one carried before, to grow further. */
  growGain: number
  /**
   * A queue at the bottleneck: the first connection's round trip above its smallest by more than
   * this share of it (and this many ms), for this long. Then the extra connections close.
   */
  queueShare: number
  queueMinMs: number
  queueHoldMs: number
  /** After growth stopped, when to try again (the path or the sender's load may have changed)... */
  retryMs: number
  /** ...doubling after each trial that did not grow, up to this. */
  maxRetryMs: number
}

export const GROWTH_RULES: GrowthRules = {
  minRttMs: 20,
  max: 32,
  stepFactor: 4,
  settleMs: 500,
  settleRtts: 3,
  windowMs: 2_000,
  windowRtts: 10,
  connectTimeoutMs: 10_000,
  growGain: 0.5,
  queueShare: 0.5,
  queueMinMs: 10,
  queueHoldMs: 3_000,
  retryMs: 20_000,
  maxRetryMs: 320_000,
}

export type GrowthInput = {
  nowMs: number
  /** Bytes received from the peer so far, over all its connections. */
  bytes: number
  /** The smallest round trip measured on the first connection; null until one is. */
  rttMs: number | null
  /** Connections up now, the first included. */
  connected: number
  /** Whether more would be used: the peer has pieces this side still wants. */
  wanted: boolean
  /** Whether a person watches a file while it downloads (then the first step is not measured). */
  streaming?: boolean
  /** How far the first connection's round trip is now above its smallest (null: not known here). */
  queueMs: number | null
}

export type GrowthDecision = { open: number } | { close: number } | null

type State =
  | { phase: 'steady'; trialAfterMs: number }
  /** `before` null: the first step, opened on the round trip alone and not measured. */
  | { phase: 'opening'; before: number | null; from: number; added: number; startMs: number }
  | { phase: 'measuring'; before: number; from: number; startMs: number }

export class ConnectionGrowth {
  private state: State = { phase: 'steady', trialAfterMs: 0 }
  /** Cumulative bytes over time, one sample per update, as far back as one window needs. */
  private samples: Array<{ t: number; bytes: number }> = []
  /** Since when the set of connections has been the same (a rate before a change means nothing after it). */
  private stableSinceMs: number | null = null
  private retryMs: number
  /** Since when the path has shown a queue, without a break. */
  private queuedSinceMs: number | null = null
  private firstStepTaken = false

  constructor(private readonly rules: GrowthRules = GROWTH_RULES) {
    this.retryMs = rules.retryMs
  }

  update(input: GrowthInput): GrowthDecision {
    const { nowMs, bytes, rttMs, connected, wanted, queueMs } = input
    this.samples.push({ t: nowMs, bytes })
    // A rate is measured from the first byte on: before it, the peer was still sending its metadata.
    if (bytes === 0) this.stableSinceMs = nowMs
    this.stableSinceMs ??= nowMs
    const longPath = rttMs !== null && rttMs >= this.rules.minRttMs
    const rtts = (ms: number, count: number) => Math.max(ms, count * (rttMs ?? 0))
    const windowMs = rtts(this.rules.windowMs, this.rules.windowRtts)
    while (this.samples.length > 2 && this.samples[1]!.t <= nowMs - 3 * windowMs) this.samples.shift()
    const state = this.state

    if (!wanted || !longPath) {
      if (state.phase !== 'steady') this.steady(nowMs, 0)
      return null
    }
    // Connections that fill the bottleneck's queue crowd out whoever else uses the link (a TCP
    // flow, the same person's video call): give the link back, and grow later.
    const queued = queueMs !== null && queueMs > Math.max(this.rules.queueMinMs, this.rules.queueShare * (rttMs ?? 0))
    this.queuedSinceMs = queued ? (this.queuedSinceMs ?? nowMs) : null
    if (this.queuedSinceMs !== null && nowMs - this.queuedSinceMs >= this.rules.queueHoldMs) {
      this.queuedSinceMs = nowMs
      this.stopGrowing(nowMs)
      return connected > 1 ? { close: connected - 1 } : null
    }
    switch (state.phase) {
      case 'steady': {
        if (connected >= this.rules.max || nowMs < state.trialAfterMs) return null
        if (!this.firstStepTaken && input.streaming) {
          this.firstStepTaken = true
          const added = Math.min(connected * (this.rules.stepFactor - 1), this.rules.max - connected)
          this.state = { phase: 'opening', before: null, from: connected, added, startMs: nowMs }
          return { open: added }
        }
        if (nowMs - this.stableSinceMs < windowMs) return null
        const before = this.rate(nowMs - windowMs, nowMs)
        if (before <= 0) return null
        const added = Math.min(connected * (this.rules.stepFactor - 1), this.rules.max - connected)
        this.state = { phase: 'opening', before, from: connected, added, startMs: nowMs }
        return { open: added }
      }
      case 'opening': {
        const allUp = connected >= state.from + state.added
        if (!allUp && nowMs - state.startMs < this.rules.connectTimeoutMs) return null
        const settleMs = rtts(this.rules.settleMs, this.rules.settleRtts)
        // The unmeasured first step: the rate with its connections is the next trial's "before".
        if (state.before === null) return this.steady(nowMs + settleMs, 0)
        this.state = { phase: 'measuring', before: state.before, from: state.from, startMs: nowMs + settleMs }
        return null
      }
      case 'measuring': {
        if (nowMs < state.startMs + windowMs) return null
        const added = connected - state.from
        if (added <= 0) return this.stopGrowing(nowMs)
        // What they added, they took from others.
        if (queued) {
          this.stopGrowing(nowMs)
          return { close: added }
        }
        const perConnection = state.before / state.from
        const gainPerAdded = (this.rate(state.startMs, nowMs) - state.before) / added
        if (gainPerAdded >= this.rules.growGain * perConnection) {
          // The window just measured is the next trial's "before": it may start at once.
          this.retryMs = this.rules.retryMs
          this.steady(nowMs, 0)
          this.stableSinceMs = state.startMs
          return null
        }
        this.stopGrowing(nowMs)
        // Keep as many of the added as what they added is worth, counted in connections of before.
        const kept = Math.min(added, Math.max(0, Math.round((gainPerAdded * added) / perConnection)))
        return kept < added ? { close: added - kept } : null
      }
    }
  }

  /** Connections came or went other than by this policy's decision: rates before mean nothing. */
  changed(nowMs: number): void {
    this.stableSinceMs = nowMs
  }

  /** Waits before the next trial, twice as long as before the last one. */
  private stopGrowing(nowMs: number): null {
    this.steady(nowMs, this.retryMs)
    this.retryMs = Math.min(2 * this.retryMs, this.rules.maxRetryMs)
    return null
  }

  private steady(nowMs: number, waitMs: number): null {
    this.state = { phase: 'steady', trialAfterMs: nowMs + waitMs }
    this.stableSinceMs = nowMs
    return null
  }

  /** Bytes per millisecond between two times, from the samples nearest inside them. */
  private rate(fromMs: number, toMs: number): number {
    const first = this.samples.find((sample) => sample.t >= fromMs)
    const last = this.samples.at(-1)
    if (!first || !last || last.t <= first.t || last.t > toMs) return 0
    return (last.bytes - first.bytes) / (last.t - first.t)
  }
}
