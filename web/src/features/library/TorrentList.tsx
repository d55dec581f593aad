import { STATUS_LABELS, torrents, useTorrentList } from '../../torrent'
import { ProgressBar } from '../../components/ProgressBar'
import { formatBytes, formatPercent } from '../../format'
import { goHome, goToTorrent } from '../../route'

/** Every torrent in this tab, newest first, with its state and a remove button. */
export function TorrentList({ currentKey }: { currentKey: string | null }) {
  const list = [...useTorrentList()].sort((a, b) => b.addedAtMs - a.addedAtMs)
  if (list.length === 0) return null

  return (
    <section className="card library" aria-labelledby="library-title">
      <h2 id="library-title">In this tab</h2>
      <ul className="library__list">
        {list.map((torrent) => {
          const progress = torrent.status === 'hashing' ? (torrent.hashingProgress ?? 0) : torrent.progress
          const open = () => torrent.infoHash && goToTorrent({ infoHash: torrent.infoHash, name: torrent.name, trackers: torrent.extraTrackers })
          const remove = () => {
            torrents().remove(torrent.key)
            if (torrent.key === currentKey) goHome()
          }
          return (
            <li key={torrent.key} className="library__item" data-testid="library-item" aria-current={torrent.key === currentKey ? 'page' : undefined}>
              <button type="button" className="library__open" onClick={open} disabled={!torrent.infoHash}>
                <span className="library__name">{torrent.name}</span>
                <span className="library__meta">
                  {torrent.role === 'sent' ? 'Sent' : 'Received'} · {STATUS_LABELS[torrent.status]}
                  {torrent.length !== null ? ` · ${formatBytes(torrent.length)}` : ''} · {formatPercent(progress)}
                </span>
              </button>
              <ProgressBar value={progress} label={`Progress of ${torrent.name}`} tone={torrent.status === 'error' ? 'error' : progress >= 1 ? 'done' : 'active'} />
              <button type="button" className="button button--small button--ghost" aria-label={`Remove ${torrent.name}`} onClick={remove}>
                Remove
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
