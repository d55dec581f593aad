import { useEffect, useState } from 'react'
import { storageFree, torrents, type TorrentSnapshot } from '../../torrent'
import { formatBytes } from '../../format'

type Props = { torrent: TorrentSnapshot; onError: (message: string) => void }

/**
 * Whether a share goes on after a reload. Where the browser keeps a reference to the picked files it
 * simply does. Elsewhere (Firefox, Safari) that would take a copy of the files in the browser's
 * storage, so the person chooses, seeing its size and the room left first; nothing is copied silently.
 */
export function KeepAfterReload({ torrent, onError }: Props) {
  const [free, setFree] = useState<number | null>(null)
  const { kept, id, length } = torrent

  useEffect(() => {
    if (kept !== 'tab') return
    let cancelled = false
    void storageFree().then((bytes) => !cancelled && setFree(bytes))
    return () => {
      cancelled = true
    }
  }, [kept])

  if (kept === null || kept === 'reference' || length === null || torrent.status === 'stopped') return null
  const size = formatBytes(length)
  return (
    <div className="keep" data-testid="keep" data-kept={kept}>
      {kept === 'tab' && (
        <>
          <p className="muted">
            Shared while this tab is open: this browser keeps no link to your files, and after a reload you drop them
            again (same link).
          </p>
          <button
            type="button"
            className="button"
            onClick={() =>
              torrents()
                .keepCopy(id)
                .catch((err: Error) => onError(err.message))
            }
          >
            Keep sharing after reloads
          </button>
          <p className="muted keep__cost">
            Stores a copy of {size} in this browser{free === null ? '' : ` (${formatBytes(free)} free)`}, and asks it
            not to clear the copy when space runs low.
          </p>
        </>
      )}
      {kept === 'copying' && <p className="muted">Storing a copy of {size} in this browser…</p>}
      {kept === 'copy' && (
        <>
          <p className="muted">A copy ({size}) is stored in this browser, so sharing goes on after a reload.</p>
          <button
            type="button"
            className="button button--ghost"
            onClick={() =>
              torrents()
                .dropCopy(id)
                .catch((err: Error) => onError(err.message))
            }
          >
            Delete the stored copy
          </button>
        </>
      )}
    </div>
  )
}
