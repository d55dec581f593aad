import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { TestNamespace } from './netns.js'

/**
 * Classic BitTorrent clients from Debian, run in a test's network namespace with their own defaults
 * (uTP, DHT, encryption and the rest as they ship); only what a headless run needs is set: a config
 * folder of the test's own, the listening port, where files go, and qBittorrent's one-time legal notice.
 */
export type ClassicClient = {
  name: string
  /** The executable, for skipping where it is not installed. */
  binary: string
  /** The app's tracker it announces to: rTorrent over UDP (BEP 15), the others over HTTP. */
  announceOver: 'http' | 'udp'
  /** Seeds `torrentPath`, whose files are in `dataDir`. */
  seed(namespace: TestNamespace, workDir: string, torrentPath: string, dataDir: string): Promise<void>
  /** Downloads `magnet` into `outDir`. */
  download(namespace: TestNamespace, workDir: string, magnet: string, outDir: string): Promise<void>
}

const PORT = '51413'

const transmission: ClassicClient = {
  name: 'Transmission',
  binary: 'transmission-cli',
  announceOver: 'http',
  async seed(namespace, workDir, torrentPath, dataDir) {
    // It says "Seeding" once it has checked the files: peers that connect while it checks are told it has none.
    await namespace.start('transmission-cli', await transmissionArgs(workDir, dataDir, torrentPath), {}, /Seeding/)
  },
  async download(namespace, workDir, magnet, outDir) {
    await namespace.start('transmission-cli', await transmissionArgs(workDir, outDir, magnet), {}, /Progress|Seeding/)
  },
}

async function transmissionArgs(workDir: string, dir: string, source: string): Promise<string[]> {
  const config = join(workDir, 'transmission-config')
  await mkdir(config, { recursive: true })
  return ['-g', config, '-p', PORT, '-w', dir, source]
}

const qbittorrent: ClassicClient = {
  name: 'qBittorrent',
  binary: 'qbittorrent-nox',
  announceOver: 'http',
  seed: (namespace, workDir, torrentPath, dataDir) => startQbittorrent(namespace, workDir, torrentPath, dataDir),
  download: (namespace, workDir, magnet, outDir) => startQbittorrent(namespace, workDir, magnet, outDir),
}

async function startQbittorrent(namespace: TestNamespace, workDir: string, source: string, dir: string) {
  const profile = join(workDir, 'qbittorrent')
  await mkdir(join(profile, 'qBittorrent', 'config'), { recursive: true })
  await writeFile(join(profile, 'qBittorrent', 'config', 'qBittorrent.conf'), '[LegalNotice]\nAccepted=true\n')
  const args = [`--profile=${profile}`, '--webui-port=18080', `--torrenting-port=${PORT}`, `--save-path=${dir}`]
  await namespace.start('qbittorrent-nox', [...args, '--skip-dialog=true', source], {}, 'silent')
}

const rtorrent: ClassicClient = {
  name: 'rTorrent',
  binary: 'rtorrent',
  announceOver: 'udp',
  seed: (namespace, workDir, torrentPath, dataDir) => startRtorrent(namespace, workDir, torrentPath, dataDir),
  download: (namespace, workDir, magnet, outDir) => startRtorrent(namespace, workDir, magnet, outDir),
}

async function startRtorrent(namespace: TestNamespace, workDir: string, source: string, dir: string) {
  const session = join(workDir, 'rtorrent-session')
  await mkdir(session, { recursive: true })
  const config = join(workDir, 'rtorrent.rc')
  await writeFile(
    config,
    [
      `directory.default.set = ${dir}`,
      `session.path.set = ${session}`,
      `network.port_range.set = ${PORT}-${PORT}`,
      // No terminal here: run without the curses interface.
      'system.daemon.set = true',
      // As rTorrent set up to announce its own address (BEP 15's optional IP field), which the tracker must not lose.
      ...(namespace.insideAddress ? [`network.local_address.set = ${namespace.insideAddress}`] : []),
      '',
    ].join('\n'),
  )
  await namespace.start('rtorrent', ['-n', '-o', `import=${config}`, source], {}, 'silent')
}

export const CLASSIC_CLIENTS: readonly ClassicClient[] = [transmission, qbittorrent, rtorrent]
