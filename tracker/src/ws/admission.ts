import type { RejectionReason } from './protocol.js'
import { TokenBucket } from './token-bucket.js'

/** How often forgotten addresses (no sockets, a full bucket) are swept out. */
const SWEEP_INTERVAL_MS = 60_000

/**
 * Who may open a WebSocket: a cap on open sockets per IP address and a rate of new ones per minute,
 * so one address cannot hold the tracker's file descriptors or churn connections. Memory stays
 * bounded by the addresses active in the last minute.
 */
export class ConnectionAdmission {
  private readonly open = new Map<string, number>()
  private readonly rates = new Map<string, TokenBucket>()
  private readonly sweepTimer: NodeJS.Timeout

  constructor(
    private readonly limits: { socketsPerIp: number; connectionsPerIpPerMinute: number },
    private readonly now: () => number = Date.now,
  ) {
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS)
    this.sweepTimer.unref()
  }

  /** Counts a new socket from `address`, or says why it is refused. Call `release` when an admitted socket closes. */
  admit(address: string): RejectionReason | null {
    const open = this.open.get(address) ?? 0
    if (this.limits.socketsPerIp > 0 && open >= this.limits.socketsPerIp) return 'sockets-per-ip'
    if (this.limits.connectionsPerIpPerMinute > 0) {
      let bucket = this.rates.get(address)
      if (!bucket)
        this.rates.set(address, (bucket = new TokenBucket(this.limits.connectionsPerIpPerMinute, this.now())))
      if (!bucket.take(1, this.now())) return 'connection-rate'
    }
    this.open.set(address, open + 1)
    return null
  }

  release(address: string): void {
    const open = (this.open.get(address) ?? 1) - 1
    if (open > 0) this.open.set(address, open)
    else this.open.delete(address)
  }

  destroy(): void {
    clearInterval(this.sweepTimer)
  }

  private sweep(): void {
    const nowMs = this.now()
    for (const [address, bucket] of this.rates) if (bucket.isFull(nowMs)) this.rates.delete(address)
  }
}
