import { useEffect, useId, useState } from 'react'
import type { KeeperInfo } from '@swarmdrop/common'
import { torrents, type TorrentSnapshot } from '../../torrent'
import { keeperInfo } from '../../torrent/keeper'
import { ProgressBar } from '../../components/ProgressBar'
import { formatBytes, formatHours, formatMoment, formatPercent } from '../../format'

type Props = { torrent: TorrentSnapshot; onError: (message: string) => void }

/** How long a person may ask the server to keep a share, up to the server's longest. */
const HOUR_CHOICES = [1, 3, 6, 12, 24, 48, 72, 168]
const DEFAULT_HOURS = 24
const KEEPER_RETRY_MS = 5_000

/**
 * "Keep available after I leave": the server's keeper seeds the share's encrypted records (it cannot
 * read them) for some hours, so the link works once this tab is closed. Shown on private shares of
 * this browser when the server has a keeper, with its limits; then how far the server has the share.
 */
export function KeepOnServer({ torrent, onError }: Props) {
  const [info, setInfo] = useState<KeeperInfo | null>(null)
  const selectId = useId()
  const { keeping } = torrent
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let cancelled = false
    // A keeper that is starting (or a server out of reach) is asked again in a few seconds.
    const ask = () =>
      void keeperInfo().then((answer) => {
        if (cancelled) return
        if (answer) setInfo(answer)
        else timer = setTimeout(ask, KEEPER_RETRY_MS)
      })
    ask()
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [keeping?.state])
  const [hours, setHours] = useState(DEFAULT_HOURS)

  if (!info?.enabled || torrent.role !== 'sent' || !torrent.secret || !torrent.infoHash) return null
  const choices = [...new Set([...HOUR_CHOICES.filter((choice) => choice < info.maxHours), info.maxHours])]
  const chosen = Math.min(hours, info.maxHours)
  const act = (action: Promise<void>) => void action.catch((err: Error) => onError(err.message))

  if (keeping && keeping.state !== 'refused') {
    return (
      <div className="keep keep--server" data-testid="keeper" data-state={keeping.state}>
        {keeping.state === 'asking' && <p className="muted">Asking the server to keep this share…</p>}
        {keeping.state === 'checking' && <p className="muted">Asking the server how far it is…</p>}
        {keeping.state === 'fetching' && (
          <>
            <p>
              <strong>The server is taking its copy: {formatPercent(keeping.progress)}.</strong> Keep this tab open
              until it has it all.
            </p>
            <ProgressBar value={keeping.progress} label="The server’s copy" />
          </>
        )}
        {keeping.state === 'kept' && keeping.untilMs !== null && (
          <p data-testid="kept-until">
            <strong>Kept by the server until {formatMoment(keeping.untilMs)}.</strong> The link works after you close
            this tab. The server holds only encrypted data; it cannot open it.
          </p>
        )}
        {(keeping.state === 'fetching' || keeping.state === 'kept') && (
          <button
            type="button"
            className="button button--ghost"
            onClick={() => act(torrents().stopKeepingOnServer(torrent.id))}
          >
            Stop keeping
          </button>
        )}
      </div>
    )
  }

  const tooLarge = torrent.length !== null && torrent.length > info.maxShareBytes
  return (
    <div className="keep keep--server" data-testid="keeper" data-state={keeping?.state ?? 'off'}>
      {keeping?.message && (
        <p className="keep__refused" role="alert" data-testid="keeper-message">
          {keeping.message}
        </p>
      )}
      {tooLarge ? (
        <p className="muted">
          This server keeps shares of up to {formatBytes(info.maxShareBytes)} after their sender leaves; this one stays
          available while this tab is open.
        </p>
      ) : (
        <>
          <p className="muted">
            The server can keep this share available after you leave: it stores the encrypted data only, never the key,
            and deletes it when the time is up. Up to {formatHours(info.maxHours)}, shares of up to{' '}
            {formatBytes(info.maxShareBytes)} ({formatBytes(info.freeBytes)} free now).
          </p>
          <label htmlFor={selectId}>Keep available for</label>
          <select
            id={selectId}
            className="keep__hours"
            value={chosen}
            onChange={(event) => setHours(Number(event.currentTarget.value))}
          >
            {choices.map((choice) => (
              <option key={choice} value={choice}>
                {formatHours(choice)}
              </option>
            ))}
          </select>
          <button
            type="button"
            className="button"
            disabled={torrent.status === 'hashing'}
            onClick={() => act(torrents().keepOnServer(torrent.id, chosen))}
          >
            Keep available after I leave
          </button>
        </>
      )}
    </div>
  )
}
