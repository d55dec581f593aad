import { useSyncExternalStore } from 'react'
import { formatShareLink, parseShareFragment, type Result, type TorrentLink } from '@swarmdrop/common'

/** The app has two places: home (no fragment) and one torrent (its share link's fragment). */
export function useRoute(): Result<TorrentLink | null> {
  const fragment = useSyncExternalStore(subscribeToHash, () => location.hash)
  return parseShareFragment(fragment)
}

function subscribeToHash(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange)
  return () => window.removeEventListener('hashchange', onChange)
}

export function shareLinkFor(link: TorrentLink): string {
  return formatShareLink(location.origin, link)
}

export function goToTorrent(link: TorrentLink): void {
  location.hash = new URL(shareLinkFor(link)).hash
}

export function goHome(): void {
  if (location.hash) history.pushState(null, '', location.pathname + location.search)
  window.dispatchEvent(new HashChangeEvent('hashchange'))
}
