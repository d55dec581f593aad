import { progressTone, shownProgress, STATUS_LABELS, torrents, type TorrentSnapshot } from '../../torrent'
import { PieceMap } from '../../components/PieceMap'
import { ProgressBar } from '../../components/ProgressBar'
import { Sparkline } from '../../components/Sparkline'
import { Stat } from '../../components/Stat'
import { formatBytes, formatBytesOf, formatEta, formatPercent, formatSpeed } from '../../format'
import { ConnectionHint } from './ConnectionHint'
import { PeerList } from './PeerList'

const STATUS_HINTS: Partial<Record<TorrentSnapshot['status'], string>> = {
  connecting: 'Reaching the tracker that introduces you to the sender.',
  searching: 'The tracker knows this file; connecting to whoever has it.',
  'sender-offline':
    'Nobody is sharing this right now. Keep this tab open: the download starts as soon as the sender is back.',
  stalled: 'Connected, but no data is arriving yet.',
  done: 'Everything arrived and was verified. This tab now shares it too.',
  seeding: 'Keep this tab open so people can download.',
  stopped: 'Not sharing or downloading. What arrived is kept.',
}

/** Live progress, speeds, peers and time left, with the state in words. */
export function TransferPanel({ torrent }: { torrent: TorrentSnapshot }) {
  const { status } = torrent
  const hint = STATUS_HINTS[status]
  const progress = shownProgress(torrent)
  const tone = progressTone(torrent)

  return (
    <section className="card transfer" aria-labelledby="transfer-title">
      <div className="transfer__status">
        <h2 id="transfer-title" className={`status status--${status}`} data-testid="status" data-status={status}>
          {STATUS_LABELS[status]}
          {status === 'downloading' || status === 'hashing' ? ` · ${formatPercent(progress)}` : ''}
        </h2>
        {hint && (status !== 'stopped' || torrent.canResume) && <p className="muted">{hint}</p>}
        {torrent.onlySeeder && (
          <p className="only-seeder" data-testid="only-seeder">
            You are the only one with the whole file: keep this tab open until someone else has it.
          </p>
        )}
        <ConnectionHint torrent={torrent} />
        {torrent.error && (
          <p className="error-text" role="alert">
            {torrent.error}
          </p>
        )}
        {status === 'stopped' && torrent.canResume && (
          <button type="button" className="button button--primary" onClick={() => torrents().resume(torrent.id)}>
            Resume
          </button>
        )}
      </div>
      {torrent.pieceMap.length > 0 && status !== 'hashing' ? (
        <PieceMap cells={torrent.pieceMap} progress={progress} label={`Progress of ${torrent.name}`} tone={tone} />
      ) : (
        <ProgressBar value={progress} label={`Progress of ${torrent.name}`} tone={tone} />
      )}
      <dl className="stats">
        {torrent.role === 'sent' ? (
          <>
            <Stat label="Size" value={torrent.length === null ? '—' : formatBytes(torrent.length)} testId="stat-size" />
            <Stat
              label="Uploaded"
              value={formatBytes(torrent.uploaded)}
              testId="stat-uploaded"
              raw={torrent.uploaded}
            />
            <Stat label="Upload" value={formatSpeed(torrent.uploadSpeed)} testId="stat-upload" />
            <Stat label="Peers" value={String(torrent.numPeers)} testId="stat-peers" />
          </>
        ) : (
          <>
            <Stat
              label="Received"
              value={torrent.length === null ? '—' : formatBytesOf(torrent.downloaded, torrent.length)}
              testId="stat-received"
            />
            <Stat label="Download" value={formatSpeed(torrent.downloadSpeed)} testId="stat-download" />
            <Stat label="Upload" value={formatSpeed(torrent.uploadSpeed)} testId="stat-upload" />
            <Stat label="Peers" value={String(torrent.numPeers)} testId="stat-peers" />
            <Stat
              label="Time left"
              value={torrent.progress >= 1 ? 'Done' : formatEta(torrent.timeRemainingMs)}
              testId="stat-eta"
            />
          </>
        )}
      </dl>
      <Sparkline values={torrent.speedHistory} label="Transfer speed over the last minute" />
      <PeerList peers={torrent.peers} />
    </section>
  )
}
