#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander'
import cliProgress from 'cli-progress'
import prettyBytes from 'pretty-bytes'
import { rmSync } from 'node:fs'
import { mkdtemp, rm, rmdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { encodeSecret, formatShareLink, parsePort, parseSecret, type Result } from '@swarmdrop/common'
import type { Torrent } from 'webtorrent'
import { HybridNode, UnsafeTorrentError, type HybridOptions, type PeerKind, type TorrentStatus } from './bridge.js'
import { isPrivateShare, openPrivateShare, sealFiles, writePlainFiles } from './private-share.js'
import { parseHostPorts, parseRate, parseSource, parseTrackers, trackersForApp, type Source } from './options.js'
import { startStatusServer } from './status-server.js'

const STATUS_INTERVAL_MS = 1_000
const PLAIN_STATUS_INTERVAL_MS = 10_000

type CommonOptions = {
  app: string | false
  tracker: string[]
  dht: boolean
  dhtBootstrap?: string[]
  dhtPort?: number
  torrentPort?: number
  utp: boolean
  rtcConfig?: string
  uploadLimit?: number
  downloadLimit?: number
  json: boolean
  statusPort?: number
}

/** Turns a parser's Result into commander's argument error, so bad flags get a usage message. */
const option =
  <T>(parse: (text: string) => Result<T>) =>
  (text: string): T => {
    const result = parse(text)
    if (!result.ok) throw new InvalidArgumentError(result.error)
    return result.value
  }

// Typed explicitly so that `program.error(...)`, which never returns, narrows the code after it.
const program: Command = new Command()
  .name('hybrid-node')
  .description('A BitTorrent peer that speaks WebRTC to browsers and TCP/uTP/DHT to classic clients, bridging both.')
  .showHelpAfterError('(run with --help for usage)')

function withCommonOptions(command: Command): Command {
  return command
    .option(
      '--app <url>',
      "the Swarmdrop app's URL; its WebSocket, HTTP and UDP trackers are the defaults",
      'http://localhost:8080',
    )
    .option('--no-app', 'no default trackers (only --tracker and the DHT)')
    .option('--tracker <url>', 'an extra tracker (repeatable)', (value: string, list: string[]) => [...list, value], [])
    .option('--dht', 'use the BitTorrent DHT (default)', true)
    .option('--no-dht', 'do not use the DHT')
    .option('--dht-bootstrap <host:port,...>', 'DHT bootstrap nodes instead of the public ones', option(parseHostPorts))
    .option(
      '--dht-port <port>',
      'UDP port for the DHT',
      option((text) => parsePort('--dht-port', text)),
    )
    .option(
      '--torrent-port <port>',
      'TCP/uTP port for classic peers',
      option((text) => parsePort('--torrent-port', text)),
    )
    .option('--no-utp', 'classic peers over TCP only')
    .option('--rtc-config <url>', "ICE servers (and TURN credentials) from the app's /api/rtc-config")
    .option(
      '--upload-limit <rate>',
      'cap uploads, e.g. 2MB/s',
      option((text) => parseRate('--upload-limit', text)),
    )
    .option(
      '--download-limit <rate>',
      'cap downloads, e.g. 2MB/s',
      option((text) => parseRate('--download-limit', text)),
    )
    .option(
      '--status-port <port>',
      'serve /status (JSON) and /metrics (Prometheus) on 127.0.0.1',
      option((text) => parsePort('--status-port', text)),
    )
    .addOption(new Option('--json', 'one JSON object per line instead of a progress display').default(false))
}

withCommonOptions(
  program.command('seed').description('create a torrent of files or folders and seed it').argument('<paths...>'),
)
  .option(
    '--private',
    'seed a private share: encrypted, readable only with the printed link (its records are written to a temporary folder)',
  )
  .action(async (paths: string[], opts: CommonOptions & { private?: boolean }) => {
    await run(opts, async (node, out) => {
      if (opts.private) return seedPrivately(node, out, paths, opts)
      const torrent = await node.seed(paths)
      await node.announced(torrent)
      out.event('seeding', {
        name: torrent.name,
        infoHash: torrent.infoHash,
        magnet: torrent.magnetURI,
        ...(opts.app !== false && {
          link: formatShareLink(new URL(opts.app).origin, {
            infoHash: torrent.infoHash,
            name: torrent.name,
            trackers: [],
          }),
        }),
      })
      return 'forever'
    })
  })

withCommonOptions(
  program
    .command('download')
    .description('download a magnet, share link, info hash or .torrent file, then exit')
    .argument('<source>'),
)
  .option('-o, --out <dir>', 'output folder', '.')
  .option('--keep-seeding', 'keep seeding after the download completes')
  .action(async (source: string, opts: CommonOptions & { out: string; keepSeeding?: boolean }) => {
    const parsed = sourceOrExit(source)
    await run(opts, async (node, out) => {
      const torrent = await node.add(parsed, opts.out)
      if (isPrivateShare(torrent))
        return downloadPrivately(torrent, parsed.kind === 'link' ? (parsed.link.secret ?? null) : null, out, opts)
      out.event('downloading', { name: torrent.name, infoHash: torrent.infoHash, path: opts.out })
      if (!torrent.done) await new Promise((resolve) => torrent.once('done', resolve))
      out.event('done', { name: torrent.name, infoHash: torrent.infoHash })
      return opts.keepSeeding ? 'forever' : 'exit'
    })
  })

withCommonOptions(
  program
    .command('bridge')
    .description('download and keep seeding to browsers and classic clients alike')
    .argument('<sources...>'),
)
  .option('-o, --out <dir>', 'output folder', '.')
  .action(async (sources: string[], opts: CommonOptions & { out: string }) => {
    const parsed = sources.map(sourceOrExit)
    await run(opts, async (node, out) => {
      await Promise.all(
        parsed.map(async (source) => {
          const torrent = await node.add(source, opts.out)
          out.event('bridging', { name: torrent.name, infoHash: torrent.infoHash })
          torrent.once('done', () => out.event('done', { name: torrent.name, infoHash: torrent.infoHash }))
        }),
      )
      return 'forever'
    })
  })

/** Seals the files with a fresh key, seeds the records, and prints the private link (the only way in). */
async function seedPrivately(node: HybridNode, out: Output, paths: string[], opts: CommonOptions): Promise<'forever'> {
  const dir = await mkdtemp(join(tmpdir(), 'swarmdrop-private-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  const sealed = await sealFiles(paths, dir)
  const torrent = await node.seed([sealed.path], { undated: true })
  await node.announced(torrent)
  const link = { infoHash: torrent.infoHash, trackers: [], secret: encodeSecret(sealed.secret) }
  out.event('seeding', {
    name: sealed.manifest.name,
    infoHash: torrent.infoHash,
    private: true,
    ...(opts.app !== false && { link: formatShareLink(new URL(opts.app).origin, link) }),
  })
  return 'forever'
}

/** A private share: opened with the link's key as soon as its first records arrive, written out in plain once whole. */
async function downloadPrivately(
  torrent: Torrent,
  secretText: string | null,
  out: Output,
  opts: { out: string; keepSeeding?: boolean },
): Promise<'exit' | 'forever'> {
  const secret = secretText === null ? null : parseSecret(secretText)
  if (!secret?.ok)
    throw new Error(
      'This is a private share, and this link has no key (the part after “k=”), so its files cannot be opened. Ask the sender for the whole link.',
    )
  if (!torrent.ready) await new Promise((resolve) => torrent.once('ready', resolve))
  const share = await openPrivateShare(torrent, secret.value)
  out.event('downloading', { name: share.manifest.name, infoHash: torrent.infoHash, path: opts.out, private: true })
  if (!torrent.done) await new Promise((resolve) => torrent.once('done', resolve))
  const written = await writePlainFiles(share, join(torrent.path, torrent.files[0]!.path), opts.out)
  out.event('done', { name: share.manifest.name, infoHash: torrent.infoHash, files: written.length })
  if (opts.keepSeeding) return 'forever'
  // Nothing more to serve: the records go, and their folder if nothing else is in it.
  await rm(torrent.path, { recursive: true, force: true })
  await rmdir(dirname(torrent.path)).catch(() => {})
  return 'exit'
}

function sourceOrExit(text: string): Source {
  const source = parseSource(text)
  if (!source.ok) program.error(source.error, { exitCode: 2 })
  return source.value
}

/** Builds the node from the options, runs the command, shows progress, and stops cleanly on signals. */
async function run(
  opts: CommonOptions,
  command: (node: HybridNode, out: Output) => Promise<'exit' | 'forever'>,
): Promise<void> {
  const trackers = [
    opts.app === false ? ({ ok: true, value: [] } as const) : trackersForApp(opts.app),
    parseTrackers(opts.tracker),
  ]
  for (const result of trackers) if (!result.ok) program.error(result.error, { exitCode: 2 })
  const options: HybridOptions = {
    trackers: trackers.flatMap((result) => (result.ok ? result.value : [])),
    dht: opts.dht,
    dhtBootstrap: opts.dhtBootstrap,
    dhtPort: opts.dhtPort,
    torrentPort: opts.torrentPort,
    utp: opts.utp,
    uploadLimitBytesPerS: opts.uploadLimit,
    downloadLimitBytesPerS: opts.downloadLimit,
  }
  const node = new HybridNode(options)
  if (opts.rtcConfig)
    await node
      .useRtcConfigFrom(opts.rtcConfig)
      .catch((err: Error) => program.error(`--rtc-config: ${err.message}`, { exitCode: 2 }))
  const out = createOutput(opts.json, node)
  node.on('warning', (err: Error) => out.warning(err.message))
  node.on('first-peer', (torrent: { infoHash: string }, transport: PeerKind, afterMs: number) =>
    out.event('first-peer', { infoHash: torrent.infoHash, transport, afterMs: Math.round(afterMs) }),
  )
  const status = opts.statusPort === undefined ? null : await startStatusServer(node, opts.statusPort)
  if (status) out.event('status-server', { url: `http://127.0.0.1:${status.port}/status` })

  let stopping = false
  const stop = async (code: number) => {
    if (stopping) return
    stopping = true
    out.close()
    await Promise.all([node.destroy(), status?.close()])
    process.exit(code)
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0))

  try {
    if ((await command(node, out)) === 'exit') await stop(0)
  } catch (err) {
    out.error(err instanceof UnsafeTorrentError ? err.message : `Failed: ${(err as Error).message}`)
    await stop(1)
  }
}

type Output = {
  event(name: string, fields: Record<string, unknown>): void
  warning(message: string): void
  error(message: string): void
  close(): void
}

/** JSON lines for scripts, progress bars on a terminal, quiet plain lines otherwise. */
function createOutput(json: boolean, node: HybridNode): Output {
  if (json) {
    const line = (event: string, fields: Record<string, unknown>) =>
      process.stdout.write(JSON.stringify({ event, time: new Date().toISOString(), ...fields }) + '\n')
    const timer = setInterval(() => line('status', { torrents: node.status() }), STATUS_INTERVAL_MS)
    return {
      event: line,
      warning: (message) => line('warning', { message }),
      error: (message) => line('error', { message }),
      close: () => clearInterval(timer),
    }
  }
  if (process.stdout.isTTY) return progressBars(node)
  const timer = setInterval(() => {
    for (const torrent of node.status()) console.log(plainStatus(torrent))
  }, PLAIN_STATUS_INTERVAL_MS)
  return {
    event: (name, fields) =>
      console.log(
        `${name}: ${Object.entries(fields)
          .map(([key, value]) => `${key}=${String(value)}`)
          .join(' ')}`,
      ),
    warning: (message) => console.error(`warning: ${message}`),
    error: (message) => console.error(`error: ${message}`),
    close: () => clearInterval(timer),
  }
}

function progressBars(node: HybridNode): Output {
  const bars = new cliProgress.MultiBar(
    {
      format: ' {bar} {percentage}% | {name} | ↓ {down}/s ↑ {up}/s | peers {peers}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  )
  const byHash = new Map<string, cliProgress.SingleBar>()
  const timer = setInterval(() => {
    for (const torrent of node.status()) {
      const payload = {
        name: torrent.name,
        down: formatBytes(torrent.downloadSpeed),
        up: formatBytes(torrent.uploadSpeed),
        peers: `${torrent.peers.webrtc} webrtc, ${torrent.peers.tcp} tcp, ${torrent.peers.utp} utp`,
      }
      const bar = byHash.get(torrent.infoHash) ?? bars.create(100, 0, payload)
      byHash.set(torrent.infoHash, bar)
      bar.update(Math.floor(torrent.progress * 100), payload)
    }
  }, STATUS_INTERVAL_MS)
  return {
    event: (name, fields) => bars.log(`${name}: ${Object.values(fields).map(String).join('  ')}\n`),
    warning: (message) => bars.log(`warning: ${message}\n`),
    error: (message) => bars.log(`error: ${message}\n`),
    close: () => {
      clearInterval(timer)
      bars.stop()
    },
  }
}

const formatBytes = (bytes: number): string => prettyBytes(bytes, { maximumFractionDigits: 1 })

const plainStatus = (t: TorrentStatus) =>
  `${t.name}: ${Math.floor(t.progress * 100)}% ↓ ${formatBytes(t.downloadSpeed)}/s ↑ ${formatBytes(t.uploadSpeed)}/s peers webrtc=${t.peers.webrtc} tcp=${t.peers.tcp} utp=${t.peers.utp}`

await program.parseAsync()
