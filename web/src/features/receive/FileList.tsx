import { useState } from 'react'
import { saveAllFiles, saveTorrentFileByIndex, type TorrentSnapshot } from '../../torrent'
import { formatBytes, formatPercent } from '../../format'

type Props = { torrent: TorrentSnapshot; onError: (message: string) => void }

export function FileList({ torrent, onError }: Props) {
  const [saving, setSaving] = useState<string | null>(null)
  const save = (id: string, task: () => Promise<void>) => {
    setSaving(id)
    task()
      .catch((err: Error) => onError(`Could not save: ${err.message}`))
      .finally(() => setSaving(null))
  }
  const complete = torrent.progress >= 1

  if (torrent.files.length === 0) return null
  return (
    <section className="card" aria-labelledby="files-title">
      <div className="card__header">
        <h2 id="files-title">
          {torrent.files.length === 1 ? '1 file' : `${torrent.files.length} files`}
        </h2>
        {torrent.files.length > 1 && (
          <button
            type="button"
            className="button"
            disabled={!complete || saving !== null}
            onClick={() => save('zip', () => saveAllFiles(torrent.key))}
          >
            {saving === 'zip' ? 'Zipping…' : 'Save all as .zip'}
          </button>
        )}
      </div>
      <ul className="file-list">
        {torrent.files.map((file) => {
          const ready = file.progress >= 1
          return (
            <li key={file.index} className="file-list__item" data-testid="file-row">
              <span className="file-list__path" title={file.path} data-testid="file-path">
                {file.path}
              </span>
              <span className="file-list__size">{ready ? formatBytes(file.length) : `${formatPercent(file.progress)} of ${formatBytes(file.length)}`}</span>
              <button
                type="button"
                className="button button--small"
                disabled={!ready || saving !== null}
                aria-label={`Save ${file.name}`}
                onClick={() => save(`file-${file.index}`, () => saveTorrentFileByIndex(torrent.key, file.index))}
              >
                {saving === `file-${file.index}` ? 'Saving…' : 'Save'}
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
