import { createHash, timingSafeEqual } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { mkdir, readdir, readFile, rename, rm, statfs, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  fail,
  ok,
  KEEPER_SECRET_PATTERN,
  recordsInStream,
  SEALED_TORRENT_NAME,
  type KeeperInfo,
  type KeeperRefusal,
  type KeeperRefusalReason,
  type KeptStatus,
  type Result,
} from '@swarmdrop/common'
import { HybridNode, type Source } from '@swarmdrop/hybrid-node'
import formatBytes from 'pretty-bytes'
import type { Torrent } from 'webtorrent'

/** What the operator sets (by environment, read by the tracker), plus where the tracker is. */
export type KeeperConfig = {
  /** Where kept shares live: their records and a small JSON file each. */
  dir: string
  /** Bytes of all kept shares together. */
  maxBytes: number
  /** Bytes of one share (its encrypted records, padding included). */
  maxShareBytes: number
  /** The longest a share is kept. */
  maxHours: number
  /** New shares one address may ask to keep in 24 hours. */
  sharesPerAddressPerDay: number
  /** Keep public torrents too (their plaintext then lies on this server's disk). */
  allowPublic: boolean
  /** The app's WebSocket tracker, through which browsers find the keeper. */
  trackers: string[]
  /** The app's /api/rtc-config, when it hands out STUN or TURN: the keeper is reached through the relay too. */
  rtcConfigUrl: string | null
}

/** The configuration the tracker hands the keeper's process (JSON), checked. */
export function parseKeeperConfig(json: string): Result<KeeperConfig> {
  let value: Partial<KeeperConfig>
  try {
    value = JSON.parse(json) as Partial<KeeperConfig>
  } catch {
    return fail('its configuration is not JSON.')
  }
  const counts = [value.maxBytes, value.maxShareBytes, value.maxHours, value.sharesPerAddressPerDay]
  if (
    typeof value.dir !== 'string' ||
    !counts.every((count) => typeof count === 'number' && count > 0) ||
    typeof value.allowPublic !== 'boolean' ||
    !Array.isArray(value.trackers) ||
    !(value.rtcConfigUrl === null || typeof value.rtcConfigUrl === 'string')
  )
    return fail('its configuration is incomplete.')
  return ok(value as KeeperConfig)
}

/** What is remembered of a kept share on disk, beside its records. */
type KeptRecord = {
  infoHash: string
  /** The length the sender declared, reserved from the quota; the torrent must have exactly this. */
  length: number
  /** SHA-256 of the sender's keeper secret (hex): proves a later request comes from the same browser. */
  proof: string
  addedAtMs: number
  expiresAtMs: number
  /** The .torrent once its metadata arrived (base64), so a restart needs no sender. */
  torrentFile: string | null
}

type Share = { record: KeptRecord; torrent: Torrent | null; lastProgressAtMs: number; lastDownloaded: number }

export type KeepRequest = { infoHash: string; length: number; hours: number; secret: string; address: string }

/** An info hash as the keeper names shares (in paths too): hex, lower case. */
const INFO_HASH = /^[0-9a-f]{40}$/
const DAY_MS = 24 * 3600 * 1000
/** Room left on the disk beyond the shares, so the keeper never fills it. */
const DISK_MARGIN_BYTES = 256 * 1024 * 1024
/** A share whose records stopped arriving this long ago (its sender left early) is dropped. */
const STALL_MS = 10 * 60 * 1000
/** How long a dropped share's reason is told to its sender's browser. */
const FAILURE_KEPT_MS = 3600 * 1000
const SWEEP_MS = 5_000
/** Shares kept at once: the keeper announces them all on one tracker socket, which may join 200 swarms. */
const MAX_SHARES = 150

type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: KeeperRefusal }
const refuse = <T>(reason: KeeperRefusalReason, error: string): Outcome<T> => ({
  ok: false,
  refusal: { reason, error },
})

/**
 * Keeps private shares available after their sender leaves (emits `refused` with the reason of each
 * refusal, and of each share it drops). Asked with an info hash, a length and a
 * secret, it joins the swarm through the app's tracker, takes the share's records from the sender
 * (metadata by ut_metadata, every piece checked against the torrent's hashes), and seeds them until
 * they expire. It never sees a key: what it holds is ciphertext, and a torrent that is not a private
 * share is refused at its metadata, before a piece is asked for (unless the operator allows them).
 * State lives in `dir`, so a restart picks every share up again, verified from disk.
 */
export class Keeper extends EventEmitter<{ refused: [reason: KeeperRefusalReason] }> {
  readonly node: HybridNode
  private readonly shares = new Map<string, Share>()
  /** Shares dropped lately, and why, for their sender's browser. */
  private readonly failures = new Map<string, { refusal: KeeperRefusal; atMs: number }>()
  /** Per address: when it asked to keep a new share, the last 24 hours. */
  private readonly asked = new Map<string, number[]>()
  private sweeper: NodeJS.Timeout | null = null

  constructor(
    readonly config: KeeperConfig,
    private readonly now: () => number = Date.now,
  ) {
    super()
    this.node = new HybridNode({ trackers: config.trackers, dht: false, utp: false })
  }

  private get recordsDir(): string {
    return join(this.config.dir, 'shares')
  }

  private recordPath(infoHash: string): string {
    return join(this.recordsDir, `${infoHash}.json`)
  }

  private dataDir(infoHash: string): string {
    return join(this.config.dir, 'data', infoHash)
  }

  /** Picks up every share kept before a restart (expired ones are deleted), then sweeps regularly. */
  async start(): Promise<void> {
    // Relay candidates besides its own addresses: receivers that hide theirs (relay only) pair with those.
    if (this.config.rtcConfigUrl)
      await this.node
        .useRtcConfigFrom(this.config.rtcConfigUrl)
        .catch((err: Error) => console.error(`Keeper: no relay (${err.message}); reached directly only.`))
    await mkdir(this.recordsDir, { recursive: true })
    for (const name of await readdir(this.recordsDir)) {
      if (!name.endsWith('.json')) continue
      const record = parseRecord(await readFile(join(this.recordsDir, name), 'utf8').catch(() => ''))
      if (!record || `${record.infoHash}.json` !== name) {
        await rm(join(this.recordsDir, name), { force: true })
        continue
      }
      if (record.expiresAtMs <= this.now()) await this.delete(record.infoHash)
      else this.join(record)
    }
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS).unref()
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper)
    await this.node.destroy()
  }

  async info(): Promise<KeeperInfo> {
    return {
      enabled: true,
      maxHours: this.config.maxHours,
      maxShareBytes: this.config.maxShareBytes,
      freeBytes: this.roomLeft(await this.diskFree()),
    }
  }

  /** Keeps a share (or keeps it longer, for the browser that asked first). */
  async keep(request: KeepRequest): Promise<Outcome<KeptStatus>> {
    const checked = this.checkRequest(request)
    if (!checked.ok) return this.refused(checked)
    const { infoHash, length, hours, secret, address } = request
    // The one wait comes first: from here on, checks and the reservation happen at once (no other request between).
    const disk = await this.diskFree()
    const expiresAtMs = this.now() + Math.min(hours, this.config.maxHours) * 3600 * 1000
    const existing = this.shares.get(infoHash)
    if (existing) {
      if (!provenBy(existing.record, secret))
        return this.refused(refuse('forbidden', 'This share is already kept by the server for someone else.'))
      existing.record.expiresAtMs = expiresAtMs
      await this.save(existing.record)
      return { ok: true, value: this.statusOf(existing) }
    }
    const asked = (this.asked.get(address) ?? []).filter((atMs) => atMs > this.now() - DAY_MS)
    if (asked.length >= this.config.sharesPerAddressPerDay)
      return this.refused(
        refuse(
          'rate',
          `The server keeps at most ${this.config.sharesPerAddressPerDay} new shares a day from one address. Your share stays available while this tab is open.`,
        ),
      )
    const free = this.shares.size >= MAX_SHARES ? 0 : this.roomLeft(disk)
    if (length > free)
      return this.refused(
        refuse(
          'full',
          `The server is full (${formatBytes(free)} left); your share stays available while this tab is open.`,
        ),
      )
    this.asked.set(address, [...asked, this.now()])
    this.failures.delete(infoHash)
    const record: KeptRecord = {
      infoHash,
      length,
      proof: proofOf(secret),
      addedAtMs: this.now(),
      expiresAtMs,
      torrentFile: null,
    }
    const share = this.join(record)
    try {
      await this.save(record)
    } catch (err) {
      await this.delete(infoHash)
      return this.refused(
        refuse(
          'full',
          `The server could not store this share (${(err as Error).message}); it stays available while this tab is open.`,
        ),
      )
    }
    return { ok: true, value: this.statusOf(share) }
  }

  /** How far the server has a share; only for the browser that asked to keep it. */
  status(infoHash: string, secret: string): Outcome<KeptStatus> {
    const share = this.shares.get(infoHash)
    if (!share) {
      const failure = this.failures.get(infoHash)
      return failure
        ? { ok: false, refusal: failure.refusal }
        : refuse('not-found', 'The server does not keep this share (it may have expired).')
    }
    if (!provenBy(share.record, secret))
      return refuse('forbidden', 'Only the browser that asked the server to keep this share can see how far it is.')
    return { ok: true, value: this.statusOf(share) }
  }

  /** Stops keeping a share and deletes it; only for the browser that asked to keep it. */
  async withdraw(infoHash: string, secret: string): Promise<Outcome<null>> {
    const share = this.shares.get(infoHash)
    if (!share) return refuse('not-found', 'The server does not keep this share (it may have expired).')
    if (!provenBy(share.record, secret))
      return this.refused(
        refuse('forbidden', 'Only the browser that asked the server to keep this share can stop keeping it.'),
      )
    await this.delete(infoHash)
    return { ok: true, value: null }
  }

  /** For metrics: shares by state, and bytes on disk. */
  figures(): { fetching: number; kept: number; storedBytes: number } {
    let fetching = 0
    let kept = 0
    let storedBytes = 0
    for (const share of this.shares.values()) {
      if (share.torrent?.done) kept += 1
      else fetching += 1
      storedBytes += share.torrent?.downloaded ?? 0
    }
    return { fetching, kept, storedBytes }
  }

  /** Deletes expired shares, and shares whose sender left before the server had them whole. */
  async sweep(): Promise<void> {
    const now = this.now()
    for (const [infoHash, share] of this.shares) {
      if (share.record.expiresAtMs <= now) {
        await this.delete(infoHash)
        continue
      }
      const downloaded = share.torrent?.downloaded ?? 0
      if (downloaded !== share.lastDownloaded || share.torrent?.done) {
        share.lastDownloaded = downloaded
        share.lastProgressAtMs = now
      } else if (now - share.lastProgressAtMs > STALL_MS) {
        await this.fail(
          infoHash,
          'sender-left',
          'The sender left before the server had the whole share, so the server dropped it. Share it again and keep the tab open until the server has it.',
        )
      }
    }
    for (const [infoHash, failure] of this.failures)
      if (now - failure.atMs > FAILURE_KEPT_MS) this.failures.delete(infoHash)
  }

  private checkRequest({ infoHash, length, hours, secret }: KeepRequest): Outcome<null> {
    if (!INFO_HASH.test(infoHash)) return refuse('bad-request', 'That is not an info hash (40 hexadecimal digits).')
    if (!KEEPER_SECRET_PATTERN.test(secret)) return refuse('bad-request', 'The keeper secret is missing or damaged.')
    if (!Number.isFinite(hours) || hours <= 0) return refuse('bad-request', 'How many hours to keep it is missing.')
    if (!Number.isSafeInteger(length) || length <= 0) return refuse('bad-request', 'The share’s size is missing.')
    if (!this.config.allowPublic && recordsInStream(length) === null)
      return refuse('not-private', 'The server keeps private shares only.')
    if (length > this.config.maxShareBytes)
      return refuse(
        'too-large',
        `The server keeps shares of up to ${formatBytes(this.config.maxShareBytes)}; this one is ${formatBytes(length)}. It stays available while this tab is open.`,
      )
    return { ok: true, value: null }
  }

  /** Bytes the disk has for shares, leaving a margin. */
  private diskFree(): Promise<number> {
    return statfs(this.config.dir).then(
      (stats) => stats.bavail * stats.bsize - DISK_MARGIN_BYTES,
      () => 0,
    )
  }

  /** Bytes a new share may take: within the operator's total, and leaving room on the disk. */
  private roomLeft(disk: number): number {
    const reserved = [...this.shares.values()].reduce((sum, share) => sum + share.record.length, 0)
    const onDisk = [...this.shares.values()].reduce((sum, share) => sum + (share.torrent?.downloaded ?? 0), 0)
    // What is reserved but not yet written will still take room on the disk.
    return Math.max(0, Math.min(this.config.maxBytes - reserved, disk - (reserved - onDisk)))
  }

  /** Joins the swarm for a share: from its .torrent when known (a restart), else from its info hash. */
  private join(record: KeptRecord): Share {
    const share: Share = { record, torrent: null, lastProgressAtMs: this.now(), lastDownloaded: 0 }
    this.shares.set(record.infoHash, share)
    const source: Source = record.torrentFile
      ? { kind: 'file', path: this.recordPath(record.infoHash), bytes: Buffer.from(record.torrentFile, 'base64') }
      : { kind: 'link', link: { infoHash: record.infoHash, trackers: [] } }
    this.node.add(source, this.dataDir(record.infoHash), { vet: (torrent) => this.vet(record, torrent) }).then(
      (torrent) => {
        if (this.shares.get(record.infoHash) !== share) return void torrent.destroy()
        share.torrent = torrent
        if (record.torrentFile || !torrent.torrentFile) return
        // Kept with the share's record, so that a restart needs no sender. Without it (the disk
        // refused), a restart looks for the metadata in the swarm again.
        record.torrentFile = Buffer.from(torrent.torrentFile).toString('base64')
        this.save(record).catch((err: Error) =>
          console.error(`Keeper: could not save ${record.infoHash}: ${err.message}`),
        )
      },
      (err: Error) => {
        if (this.shares.get(record.infoHash) === share) void this.fail(record.infoHash, 'not-private', err.message)
      },
    )
    return share
  }

  /** Refuses, at its metadata, a torrent that is not what the sender declared: before a piece arrives. */
  private vet(record: KeptRecord, torrent: Torrent): string | null {
    const privateShare = torrent.name === SEALED_TORRENT_NAME && torrent.files.length === 1
    if (!privateShare && !this.config.allowPublic) return 'The server keeps private shares only.'
    if (torrent.length !== record.length) return 'This share is not the size its sender declared.'
    return null
  }

  private fail(infoHash: string, reason: KeeperRefusalReason, error: string): Promise<void> {
    this.failures.set(infoHash, { refusal: { reason, error }, atMs: this.now() })
    this.emit('refused', reason)
    return this.delete(infoHash)
  }

  private async delete(infoHash: string): Promise<void> {
    const share = this.shares.get(infoHash)
    this.shares.delete(infoHash)
    if (share?.torrent)
      await new Promise<void>((resolve) => share.torrent!.destroy({ destroyStore: true }, () => resolve()))
    else this.node.client.torrents.find((torrent) => torrent.infoHash === infoHash)?.destroy()
    await rm(this.dataDir(infoHash), { recursive: true, force: true })
    await rm(this.recordPath(infoHash), { force: true })
  }

  private statusOf(share: Share): KeptStatus {
    const done = share.torrent?.done ?? false
    return {
      state: done ? 'kept' : 'fetching',
      progress: done ? 1 : (share.torrent?.progress ?? 0),
      expiresAtMs: share.record.expiresAtMs,
    }
  }

  /** Written whole or not at all: a crash mid-write leaves the previous version. Never for a share gone meanwhile. */
  private async save(record: KeptRecord): Promise<void> {
    if (this.shares.get(record.infoHash)?.record !== record) return
    const path = this.recordPath(record.infoHash)
    await writeFile(`${path}.tmp`, JSON.stringify(record), { mode: 0o600 })
    await rename(`${path}.tmp`, path)
  }

  private refused<T>(outcome: Outcome<T>): Outcome<T> {
    if (!outcome.ok) this.emit('refused', outcome.refusal.reason)
    return outcome
  }
}

const proofOf = (secret: string): string => createHash('sha256').update(secret).digest('hex')

function provenBy(record: KeptRecord, secret: string): boolean {
  if (!KEEPER_SECRET_PATTERN.test(secret)) return false
  return timingSafeEqual(Buffer.from(proofOf(secret), 'hex'), Buffer.from(record.proof, 'hex'))
}

function parseRecord(text: string): KeptRecord | null {
  try {
    const value = JSON.parse(text) as Partial<KeptRecord>
    if (
      typeof value.infoHash === 'string' &&
      INFO_HASH.test(value.infoHash) &&
      typeof value.length === 'number' &&
      typeof value.proof === 'string' &&
      /^[0-9a-f]{64}$/.test(value.proof) &&
      typeof value.addedAtMs === 'number' &&
      typeof value.expiresAtMs === 'number' &&
      (value.torrentFile === null || typeof value.torrentFile === 'string')
    )
      return value as KeptRecord
  } catch {
    // damaged: dropped by the caller
  }
  return null
}
