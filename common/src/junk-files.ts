import { isJunk } from 'junk'

/**
 * Whether a file or folder inside a shared folder is left out of the torrent: a hidden one (.git,
 * .DS_Store) or one the `junk` package recognises (Thumbs.db, desktop.ini…). This is the rule of
 * create-torrent when it reads a folder from disk (webtorrent-cli, the hybrid node), so the app
 * makes the same torrent, and joins the same swarm, from the same folder. What a person picks
 * directly (a file, or the folder itself) is never left out.
 */
export function isLeftOutOfFolders(name: string): boolean {
  return name.startsWith('.') || isJunk(name)
}
