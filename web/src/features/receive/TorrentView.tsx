import { useEffect, useState } from 'react'
import type { TorrentLink } from '@swarmdrop/common'
import { torrents, useTorrentSnapshot } from '../../torrent'
import { formatBytes } from '../../format'
import { ShareCard } from '../share/ShareCard'
import { FileList } from './FileList'
import { NotifyButton } from './NotifyButton'
import { TransferPanel } from './TransferPanel'
import { useTorrentAnnouncements } from './useTorrentAnnouncements'

type Props = { link: TorrentLink; onError: (message: string) => void }

/**
 * One torrent, opened from its link. For the sender the share card leads; for a receiver the
 * download starts by itself and its progress leads.
 */
export function TorrentView({ link, onError }: Props) {
  const torrent = useTorrentSnapshot(link.infoHash)
  const [openError, setOpenError] = useState<string | null>(null)
  const announcement = useTorrentAnnouncements(torrent)

  // The view is keyed by info hash (see App), so a new link starts with fresh state.
  useEffect(() => {
    torrents()
      .open(link)
      .catch((err: Error) => setOpenError(err.message))
    // Opening is keyed by the info hash; a new name or tracker in the same link changes nothing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [link.infoHash])

  if (openError) {
    return (
      <section className="card" role="alert">
        <h1>This download could not start</h1>
        <p>{openError}</p>
        <button type="button" className="button button--primary" onClick={() => location.reload()}>
          Reload
        </button>
      </section>
    )
  }
  if (!torrent) {
    return (
      <section className="card">
        <h1 className="torrent-title">{link.name ?? 'Opening…'}</h1>
        <p className="muted">Starting…</p>
      </section>
    )
  }

  const summary =
    torrent.length === null
      ? 'Waiting for file details from the sender'
      : `${formatBytes(torrent.length)} · ${torrent.files.length === 1 ? '1 file' : `${torrent.files.length} files`}`
  return (
    <div className="torrent-view">
      <header className="torrent-header">
        <h1 className="torrent-title" data-testid="torrent-name">
          {torrent.name}
        </h1>
        <p className="muted">
          {torrent.role === 'sent' ? 'Shared by you' : 'Shared with you'} · {summary}
        </p>
        {torrent.role === 'received' && torrent.progress < 1 && <NotifyButton />}
        <p className="visually-hidden" aria-live="polite" data-testid="announcement">
          {announcement}
        </p>
      </header>
      {torrent.role === 'sent' && <ShareCard torrent={torrent} onError={onError} />}
      <TransferPanel torrent={torrent} />
      <FileList torrent={torrent} onError={onError} />
      {torrent.role === 'received' && torrent.progress >= 1 && <ShareCard torrent={torrent} onError={onError} />}
    </div>
  )
}
