import { downloadTorrentFile, linkOf, type TorrentSnapshot } from '../../torrent'
import { CopyButton } from '../../components/CopyButton'
import { QrCode } from '../../components/QrCode'
import { shareLinkFor } from '../../route'
import { KeepAfterReload } from './KeepAfterReload'
import { KeepOnServer } from './KeepOnServer'

type Props = { torrent: TorrentSnapshot; onError: (message: string) => void }

/** The link is the hero: copy it, scan it, or take the magnet / .torrent for other clients. */
export function ShareCard({ torrent, onError }: Props) {
  const torrentLink = linkOf(torrent)
  if (!torrentLink) return null
  const link = shareLinkFor(torrentLink)

  return (
    <section className="card share-card" aria-labelledby="share-title">
      <h2 id="share-title">Share this link</h2>
      {torrent.secret ? (
        <p className="muted" data-testid="share-kind" data-kind="private">
          <strong>Private link.</strong> The files and their names are encrypted; the key is in the link (after “#”),
          which never reaches a server. Anyone with the link downloads straight from this browser while this tab stays
          open.
        </p>
      ) : (
        <p className="muted" data-testid="share-kind" data-kind="public">
          <strong>Public torrent.</strong> Works in any BitTorrent client; anyone with the link or the info hash can
          read it. They download straight from this browser while this tab stays open.
        </p>
      )}
      <div className="share-card__body">
        <div className="share-card__links">
          <div className="link-row">
            <input
              className="link-row__input"
              readOnly
              value={link}
              aria-label="Share link"
              data-testid="share-link"
              onFocus={(e) => e.currentTarget.select()}
            />
            <CopyButton text={link} label="Copy link" />
            {'share' in navigator && (
              <button
                type="button"
                className="button"
                onClick={() => void navigator.share({ title: torrent.name, url: link }).catch(() => {})}
              >
                Share…
              </button>
            )}
          </div>
          {!torrent.secret && (
            <details className="more-links">
              <summary>Magnet link and .torrent file</summary>
              {torrent.magnetUri && (
                <div className="link-row">
                  <input
                    className="link-row__input"
                    readOnly
                    value={torrent.magnetUri}
                    aria-label="Magnet link"
                    data-testid="magnet-link"
                    onFocus={(e) => e.currentTarget.select()}
                  />
                  <CopyButton text={torrent.magnetUri} label="Copy magnet" />
                </div>
              )}
              <button
                type="button"
                className="button"
                onClick={() => downloadTorrentFile(torrent.id).catch((err: Error) => onError(err.message))}
              >
                Download .torrent
              </button>
            </details>
          )}
        </div>
        <QrCode text={link} label="QR code of the share link" />
      </div>
      <KeepAfterReload torrent={torrent} onError={onError} />
      <KeepOnServer torrent={torrent} onError={onError} />
    </section>
  )
}
