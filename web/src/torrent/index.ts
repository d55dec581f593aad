import { useEffect, useSyncExternalStore } from 'react'
import { TorrentClient } from './client'
import type { RelayState } from './relay'
import type { TorrentSnapshot } from './snapshot'

export type { ShareInput } from './share-input'
export type { PeerPath } from './peers'
export type { RelayState } from './relay'
export { linkOf, progressTone, shownProgress, type FileSnapshot, type TorrentSnapshot } from './snapshot'
export { STATUS_LABELS, type TorrentStatus } from './status'
export { storageFree } from './store/storage-room'

let client: TorrentClient | null = null

/** The tab's one torrent client, created on first use so the home page loads without webtorrent work. */
export function torrents(): TorrentClient {
  client ??= new TorrentClient()
  return client
}

export function useTorrentList(): readonly TorrentSnapshot[] {
  const store = torrents()
  return useSyncExternalStore(store.subscribe, store.getSnapshot)
}

/** The relay (TURN) configuration and whether it works; loading it does not start webtorrent. */
export function useRelayState(): RelayState {
  const store = torrents()
  useEffect(() => void store.loadRelay(), [store])
  return useSyncExternalStore(store.subscribe, store.getRelayState)
}

/** The torrent of an info hash (the page of a link shows it). */
export function useTorrentSnapshot(infoHash: string | null): TorrentSnapshot | undefined {
  return useTorrentList().find((torrent) => torrent.infoHash !== null && torrent.infoHash === infoHash)
}

export async function saveTorrentFileByIndex(id: string, index: number): Promise<void> {
  const file = torrents().contentFiles(id)[index]
  if (!file) throw new Error('This file is no longer available.')
  const { saveFile } = await import('./save')
  await saveFile(file)
}

export async function saveAllFiles(id: string): Promise<void> {
  const files = torrents().contentFiles(id)
  if (files.length === 0) throw new Error('This torrent is no longer available.')
  const { saveAllAsZip } = await import('./save')
  await saveAllAsZip(files, torrents().displayName(id))
}

export async function downloadTorrentFile(id: string): Promise<void> {
  const torrent = torrents().getTorrent(id)
  if (!torrent) throw new Error('This torrent is no longer available.')
  const { saveTorrentFile } = await import('./save')
  saveTorrentFile(torrent)
}
