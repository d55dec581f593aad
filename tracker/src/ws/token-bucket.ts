/**
 * A token bucket: `perMinute` tokens at most, refilled evenly over a minute. Synchronous and two numbers
 * wide, because it runs on every tracker message (rate-limiter-flexible's promises cost more than the
 * announce they guard). `perMinute` 0 means unlimited.
 */
export class TokenBucket {
  private tokens: number
  private updatedAtMs: number

  constructor(
    private readonly perMinute: number,
    nowMs: number,
  ) {
    this.tokens = perMinute
    this.updatedAtMs = nowMs
  }

  take(count: number, nowMs: number): boolean {
    if (this.perMinute === 0) return true
    this.refill(nowMs)
    if (this.tokens < count) return false
    this.tokens -= count
    return true
  }

  /** Whether the bucket has refilled completely (it can be forgotten). */
  isFull(nowMs: number): boolean {
    this.refill(nowMs)
    return this.tokens >= this.perMinute
  }

  private refill(nowMs: number): void {
    const elapsedMs = nowMs - this.updatedAtMs
    if (elapsedMs <= 0) return
    this.tokens = Math.min(this.perMinute, this.tokens + (elapsedMs * this.perMinute) / 60_000)
    this.updatedAtMs = nowMs
  }
}
