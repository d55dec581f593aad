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
  /**
   * Starts it on `source` (a .torrent whose files are already in `dir`, to seed; or a magnet, to
   * download into `dir`). It runs until the namespace is destroyed.
   */
  start(namespace: TestNamespace, workDir: string, source: string, dir: string): Promise<void>
}

const PORT = '51413'

const transmission: ClassicClient = {
  name: 'Transmission',
  binary: 'transmission-cli',
  announceOver: 'http',
  async start(namespace, workDir, source, dir) {
    const config = join(workDir, 'transmission-config')
    await mkdir(config, { recursive: true })
    // Started once it downloads, or seeds after checking the files: a peer that connects while it checks
    // is told it has nothing, and is not told of the pieces afterwards.
    await namespace.start('transmission-cli', ['-g', config, '-p', PORT, '-w', dir, source], {}, /Progress|Seeding/)
  },
}

const qbittorrent: ClassicClient = {
  name: 'qBittorrent',
  binary: 'qbittorrent-nox',
  announceOver: 'http',
  async start(namespace, workDir, source, dir) {
    const profile = join(workDir, 'qbittorrent')
    await mkdir(join(profile, 'qBittorrent', 'config'), { recursive: true })
    await writeFile(join(profile, 'qBittorrent', 'config', 'qBittorrent.conf'), '[LegalNotice]\nAccepted=true\n')
    const args = [`--profile=${profile}`, '--webui-port=18080', `--torrenting-port=${PORT}`, `--save-path=${dir}`]
    await namespace.start('qbittorrent-nox', [...args, '--skip-dialog=true', source], {}, 'silent')
  },
}

const rtorrent: ClassicClient = {
  name: 'rTorrent',
  binary: 'rtorrent',
  announceOver: 'udp',
  async start(namespace, workDir, source, dir) {
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
  },
}

export const CLASSIC_CLIENTS: readonly ClassicClient[] = [transmission, qbittorrent, rtorrent]
