import { linkOf, progressTone, shownProgress, STATUS_LABELS, torrents, useTorrentList } from '../../torrent'
import { ProgressBar } from '../../components/ProgressBar'
import { formatBytes, formatPercent } from '../../format'
import { goHome, goToTorrent } from '../../route'
import { StorageInfo } from './StorageInfo'

/** Every torrent this browser remembers, newest first, with its state and stop, resume and delete. */
export function TorrentList({ currentInfoHash }: { currentInfoHash: string | null }) {
  const list = [...useTorrentList()].sort((a, b) => b.addedAtMs - a.addedAtMs)
  if (list.length === 0) return null

  return (
    <section className="card library" aria-labelledby="library-title">
      <div className="card__header">
        <h2 id="library-title">Your torrents</h2>
      </div>
      <StorageInfo torrentCount={list.length} />
      <ul className="library__list">
        {list.map((torrent) => {
          const progress = shownProgress(torrent)
          const link = linkOf(torrent)
          const stopped = torrent.status === 'stopped'
          const open = () => link && goToTorrent(link)
          const remove = () => {
            void torrents().remove(torrent.id)
            if (torrent.infoHash !== null && torrent.infoHash === currentInfoHash) goHome()
          }
          return (
            <li
              key={torrent.id}
              className="library__item"
              data-testid="library-item"
              aria-current={torrent.infoHash !== null && torrent.infoHash === currentInfoHash ? 'page' : undefined}
            >
              <button type="button" className="library__open" onClick={open} disabled={!link}>
                <span className="library__name">{torrent.name}</span>
                <span className="library__meta">
                  {torrent.role === 'sent' ? 'Sent' : 'Received'} · {STATUS_LABELS[torrent.status]}
                  {torrent.length !== null ? ` · ${formatBytes(torrent.length)}` : ''}
                  {stopped ? '' : ` · ${formatPercent(progress)}`}
                  {torrent.keeping?.state === 'kept' ? ' · kept by the server' : ''}
                </span>
              </button>
              <ProgressBar value={progress} label={`Progress of ${torrent.name}`} tone={progressTone(torrent)} />
              <span className="library__actions">
                {stopped ? (
                  torrent.canResume && (
                    <button
                      type="button"
                      className="button button--small"
                      aria-label={`Resume ${torrent.name}`}
                      onClick={() => torrents().resume(torrent.id)}
                    >
                      Resume
                    </button>
                  )
                ) : (
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    aria-label={`Stop ${torrent.name}`}
                    disabled={torrent.infoHash === null}
                    onClick={() => torrents().stop(torrent.id)}
                  >
                    Stop
                  </button>
                )}
                <button
                  type="button"
                  className="button button--small button--ghost"
                  aria-label={`Delete ${torrent.name}`}
                  onClick={remove}
                >
                  Delete
                </button>
              </span>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
