import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { Redis } from 'ioredis'

/*
 * Swarm membership shared by several tracker instances through Redis, and the mail between them.
 *
 * Per swarm, three keys with one hash tag (one Redis Cluster slot): a sorted set of peer IDs scored by
 * when they last announced, the same for seeders, and a hash peer ID -> the instance its socket is on.
 * Entries older than the TTL are pruned on every announce and the keys expire with the swarm, so a
 * crashed instance's peers fade out on their own. One Lua script per announce (one round trip) prunes,
 * records, counts and picks random offer targets with their instances. An offer or answer for a peer on
 * another instance is published on that instance's channel, which delivers it to its socket.
 */

/** A message for a peer whose socket another instance holds. */
export type Delivery = { infoHash: string; toPeerId: string; message: string; offerKey?: string }
export type RemoteTarget = { peerId: string; instanceId: string }
export type AnnounceResult = { complete: number; incomplete: number; targets: RemoteTarget[] }
export type DirectoryState = 'up' | 'down'

/** A Redis that answers nothing for this long is treated as away for that announce. */
const COMMAND_TIMEOUT_MS = 500

/** How often an instance says it is alive, and how long that lasts: a dead one's peer IDs free up within seconds. */
const HEARTBEAT_MS = 2_000
const HEARTBEAT_TTL_MS = 3 * HEARTBEAT_MS

// ARGV[7] = '1' takes the peer ID over from an instance known to be dead; otherwise an ID another
// instance holds (announced within the TTL) is refused with { -1, that instance }.
const ANNOUNCE_SCRIPT = `
local cutoff = tonumber(ARGV[1]) - tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
if ARGV[7] ~= '1' then
  local home = redis.call('HGET', KEYS[3], ARGV[3])
  if home and home ~= ARGV[4] and redis.call('ZSCORE', KEYS[1], ARGV[3]) then return { -1, home } end
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[3])
if ARGV[5] == '1' then redis.call('ZADD', KEYS[2], ARGV[1], ARGV[3]) end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
local ttl = math.ceil(tonumber(ARGV[2]) / 1000)
for i = 1, 3 do redis.call('EXPIRE', KEYS[i], ttl) end
local targets = {}
local wanted = tonumber(ARGV[6])
if wanted > 0 then
  for _, member in ipairs(redis.call('ZRANDMEMBER', KEYS[1], wanted + 1)) do
    if member ~= ARGV[3] and #targets < wanted * 2 then
      targets[#targets + 1] = member
      targets[#targets + 1] = redis.call('HGET', KEYS[3], member) or ''
    end
  end
end
return { redis.call('ZCARD', KEYS[2]), redis.call('ZCARD', KEYS[1]), targets }
`

const LEAVE_SCRIPT = `
if redis.call('HGET', KEYS[3], ARGV[1]) == ARGV[2] then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[3], ARGV[1])
end
return 0
`

const hex = (binary: string) => Buffer.from(binary, 'latin1').toString('hex')
const binary = (hexText: string) => Buffer.from(hexText, 'hex').toString('latin1')
const keysOf = (infoHash: string) => {
  const tag = `{${hex(infoHash)}}`
  return [`swarmdrop:${tag}:peers`, `swarmdrop:${tag}:seeders`, `swarmdrop:${tag}:homes`] as const
}
const channelOf = (instanceId: string) => `swarmdrop:deliver:${instanceId}`
const aliveKeyOf = (instanceId: string) => `swarmdrop:alive:${instanceId}`

type ScriptedRedis = Redis & {
  swarmAnnounce(
    k1: string,
    k2: string,
    k3: string,
    now: number,
    ttlMs: number,
    peer: string,
    instance: string,
    complete: string,
    wanted: number,
    takeOver: string,
  ): Promise<[number, number | string, string[]?]>
  swarmLeave(k1: string, k2: string, k3: string, peer: string, instance: string): Promise<number>
}

/**
 * Emits `delivery` (a Delivery for one of this instance's peers), `state` ('up' | 'down') when Redis
 * comes or goes, and `warning` for Redis errors (never fatal: the tracker keeps serving its own peers).
 */
export class RedisDirectory extends EventEmitter {
  readonly instanceId = randomBytes(8).toString('hex')
  private readonly redis: ScriptedRedis
  private readonly subscriber: Redis
  private lastState: DirectoryState = 'down'
  private destroyed = false
  private readonly heartbeat: NodeJS.Timeout

  constructor(
    url: string,
    private readonly ttlMs: number,
  ) {
    super()
    // Commands fail at once while Redis is away (and after COMMAND_TIMEOUT_MS when it hangs), so an
    // announce falls back to this instance's peers instead of waiting.
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt: number) => Math.min(200 * attempt, 2_000),
    }
    this.redis = new Redis(url, { ...options, lazyConnect: true }) as ScriptedRedis
    this.redis.defineCommand('swarmAnnounce', { numberOfKeys: 3, lua: ANNOUNCE_SCRIPT })
    this.redis.defineCommand('swarmLeave', { numberOfKeys: 3, lua: LEAVE_SCRIPT })
    // The subscription waits in the offline queue until Redis is there; ioredis renews it after reconnects.
    this.subscriber = new Redis(url, {
      ...options,
      enableOfflineQueue: true,
      commandTimeout: undefined,
      lazyConnect: true,
    })
    for (const connection of [this.redis, this.subscriber]) {
      connection.on('error', (err: Error) => this.emit('warning', new Error(`Redis: ${err.message}`)))
      connection.on('ready', () => this.emitState())
      connection.on('close', () => this.emitState())
    }
    this.subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.onDelivery(payload))
    this.heartbeat = setInterval(() => this.sayAlive(), HEARTBEAT_MS)
    this.heartbeat.unref()
    this.redis.on('ready', () => this.sayAlive())
  }

  get state(): DirectoryState {
    return this.redis.status === 'ready' && this.subscriber.status === 'ready' ? 'up' : 'down'
  }

  /** Connects, or keeps trying in the background if Redis is not there yet (the tracker starts anyway). */
  async start(): Promise<void> {
    void this.subscriber.subscribe(channelOf(this.instanceId)).catch((err: Error) => this.emit('warning', err))
    await Promise.allSettled([this.redis.connect(), this.subscriber.connect()])
  }

  /**
   * Records the peer and returns the swarm's counts across instances and up to `wanted` random other
   * peers; or 'taken' when a live instance keeps the same peer ID (one that dies gives it up within
   * its heartbeat's lifetime; one whose socket for it closes, at once).
   */
  async announce(
    infoHash: string,
    peerId: string,
    complete: boolean,
    wanted: number,
  ): Promise<AnnounceResult | 'taken'> {
    const run = (takeOver: boolean) =>
      this.redis.swarmAnnounce(
        ...keysOf(infoHash),
        Date.now(),
        this.ttlMs,
        hex(peerId),
        this.instanceId,
        complete ? '1' : '0',
        wanted,
        takeOver ? '1' : '0',
      )
    // Held elsewhere: wait for that instance to let the ID go (its socket closing: a client handing
    // over to a new one) or to die (its heartbeat lapsing); refuse only if it keeps both.
    const deadlineMs = Date.now() + HEARTBEAT_TTL_MS + HEARTBEAT_MS
    let reply = await run(false)
    while (reply[0] === -1) {
      if ((await this.redis.exists(aliveKeyOf(String(reply[1])))) === 0) reply = await run(true)
      else if (Date.now() >= deadlineMs) return 'taken'
      else {
        await new Promise((resolve) => setTimeout(resolve, HEARTBEAT_MS / 4))
        reply = await run(false)
      }
    }
    const [seeders, peers, flat = []] = reply as [number, number, string[]]
    const targets: RemoteTarget[] = []
    for (let i = 0; i < flat.length; i += 2)
      if (flat[i + 1]) targets.push({ peerId: binary(flat[i]!), instanceId: flat[i + 1]! })
    return { complete: seeders, incomplete: peers - seeders, targets }
  }

  /** Forgets the peer, if this instance still holds its socket. */
  leave(infoHash: string, peerId: string): void {
    if (this.state !== 'up') return
    this.redis
      .swarmLeave(...keysOf(infoHash), hex(peerId), this.instanceId)
      .catch((err: Error) => this.emit('warning', err))
  }

  /** The instance holding a peer's socket, or null. */
  async homeOf(infoHash: string, peerId: string): Promise<string | null> {
    return this.redis.hget(keysOf(infoHash)[2], hex(peerId))
  }

  deliver(instanceId: string, delivery: Delivery): void {
    const payload = JSON.stringify({ ...delivery, infoHash: hex(delivery.infoHash), toPeerId: hex(delivery.toPeerId) })
    this.redis.publish(channelOf(instanceId), payload).catch((err: Error) => this.emit('warning', err))
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return
    this.destroyed = true
    clearInterval(this.heartbeat)
    await this.redis.del(aliveKeyOf(this.instanceId)).catch(() => {})
    this.redis.disconnect()
    this.subscriber.disconnect()
  }

  private sayAlive(): void {
    if (this.redis.status !== 'ready') return
    this.redis
      .set(aliveKeyOf(this.instanceId), '1', 'PX', HEARTBEAT_TTL_MS)
      .catch((err: Error) => this.emit('warning', err))
  }

  private emitState(): void {
    const state = this.state
    if (state === this.lastState || this.destroyed) return
    this.lastState = state
    this.emit('state', state)
  }

  private onDelivery(payload: Buffer): void {
    try {
      const delivery = JSON.parse(payload.toString()) as Delivery
      this.emit('delivery', {
        ...delivery,
        infoHash: binary(delivery.infoHash),
        toPeerId: binary(delivery.toPeerId),
      } satisfies Delivery)
    } catch (err) {
      this.emit('warning', err as Error)
    }
  }
}
