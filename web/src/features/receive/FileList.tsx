import { useState } from 'react'
import { isPlayable, mediaKindOf } from '@swarmdrop/common'
import { saveAllFiles, saveTorrentFileByIndex, type FileSnapshot, type TorrentSnapshot } from '../../torrent'
import { formatBytes, formatPercent } from '../../format'
import { MediaView } from '../stream/MediaView'

/** The file shown inline without a click: the largest playable file, or the only file if previewable. */
function primaryFileIndex(files: FileSnapshot[]): number | null {
  const playable = files.filter((file) => isPlayable(mediaKindOf(file.name)))
  if (playable.length > 0) return playable.reduce((a, b) => (b.length > a.length ? b : a)).index
  const [only] = files
  return files.length === 1 && only && mediaKindOf(only.name) ? only.index : null
}

type Props = { torrent: TorrentSnapshot; onError: (message: string) => void }

export function FileList({ torrent, onError }: Props) {
  const [saving, setSaving] = useState<string | null>(null)
  // undefined: the default (primary file open); null: a person closed it.
  const [openIndex, setOpenIndex] = useState<number | null | undefined>(undefined)
  const shownIndex = openIndex === undefined ? primaryFileIndex(torrent.files) : openIndex
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
        <h2 id="files-title">{torrent.files.length === 1 ? '1 file' : `${torrent.files.length} files`}</h2>
        {torrent.files.length > 1 && (
          <button
            type="button"
            className="button"
            disabled={!complete || saving !== null}
            onClick={() => save('zip', () => saveAllFiles(torrent.id))}
          >
            {saving === 'zip' ? 'Zipping…' : 'Save all as .zip'}
          </button>
        )}
      </div>
      <ul className="file-list">
        {torrent.files.map((file) => {
          const ready = file.progress >= 1
          const kind = mediaKindOf(file.name)
          const shown = shownIndex === file.index
          return (
            <li key={file.index} className="file-list__item" data-testid="file-row">
              <span className="file-list__path" title={file.path} data-testid="file-path">
                {file.path}
              </span>
              <span className="file-list__size">
                {ready ? formatBytes(file.length) : `${formatPercent(file.progress)} of ${formatBytes(file.length)}`}
              </span>
              <span className="file-list__actions">
                {kind && (
                  <button
                    type="button"
                    className="button button--small button--ghost"
                    aria-expanded={shown}
                    aria-label={`${shown ? 'Hide' : isPlayable(kind) ? 'Play' : 'Preview'} ${file.name}`}
                    onClick={() => setOpenIndex(shown ? null : file.index)}
                  >
                    {shown ? 'Hide' : isPlayable(kind) ? 'Play' : 'Preview'}
                  </button>
                )}
                <button
                  type="button"
                  className="button button--small"
                  disabled={!ready || saving !== null}
                  aria-label={`Save ${file.name}`}
                  onClick={() => save(`file-${file.index}`, () => saveTorrentFileByIndex(torrent.id, file.index))}
                >
                  {saving === `file-${file.index}` ? 'Saving…' : 'Save'}
                </button>
              </span>
              {shown && kind && (
                // The file shown by itself on a download still arriving plays at once: a link was just opened.
                <MediaView
                  torrentId={torrent.id}
                  file={file}
                  kind={kind}
                  autoPlay={torrent.role === 'received' && openIndex === undefined && !complete}
                />
              )}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
