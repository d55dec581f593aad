import { useId, useRef, useState, type FormEvent } from 'react'
import { shownProgress, useTorrentList } from '../../torrent'
import { ProgressBar } from '../../components/ProgressBar'
import { formatPercent } from '../../format'
import { openLinkText, openTorrentFile, takeFiles } from '../open/actions'
import { fromFileList } from './collect-files'
import { PrivacyChoice } from './PrivacyChoice'

type Props = { onError: (message: string) => void }

/** The empty page: one obvious drop target, pickers, and a box for a link someone sent. */
export function HomeView({ onError }: Props) {
  const filesInput = useRef<HTMLInputElement>(null)
  const folderInput = useRef<HTMLInputElement>(null)
  const torrentInput = useRef<HTMLInputElement>(null)
  const [linkText, setLinkText] = useState('')
  const linkId = useId()
  const preparing = useTorrentList().filter((torrent) => torrent.status === 'hashing')

  const fail = (err: unknown) => onError((err as Error).message)
  const onPicked = (input: HTMLInputElement | null) => {
    if (!input?.files || input.files.length === 0) return
    const picked = fromFileList(input.files)
    input.value = ''
    takeFiles(picked).catch(fail)
  }
  const onTorrentPicked = () => {
    const file = torrentInput.current?.files?.[0]
    if (torrentInput.current) torrentInput.current.value = ''
    if (file) openTorrentFile(file).catch(fail)
  }
  const onOpen = (event: FormEvent) => {
    event.preventDefault()
    try {
      openLinkText(linkText)
      setLinkText('')
    } catch (err) {
      fail(err)
    }
  }

  return (
    <section className="home">
      <div className="dropzone" data-testid="dropzone">
        <h1 className="dropzone__title">Share files straight from your browser</h1>
        <p className="dropzone__hint">
          Drop files or a folder anywhere on this page. You get a link; whoever opens it downloads from you directly.
        </p>
        <div className="dropzone__actions">
          <button type="button" className="button button--primary" onClick={() => filesInput.current?.click()}>
            Choose files
          </button>
          <button type="button" className="button" onClick={() => folderInput.current?.click()}>
            Choose a folder
          </button>
        </div>
        <PrivacyChoice />
        <input
          ref={filesInput}
          type="file"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => onPicked(e.currentTarget)}
        />
        <input
          ref={folderInput}
          type="file"
          hidden
          data-testid="folder-input"
          {...{ webkitdirectory: '', directory: '' }}
          onChange={(e) => onPicked(e.currentTarget)}
        />
        {preparing.map((torrent) => (
          <div key={torrent.id} className="preparing" data-testid="preparing">
            <span>
              Preparing <strong>{torrent.name}</strong>… {formatPercent(shownProgress(torrent))}
            </span>
            <ProgressBar value={shownProgress(torrent)} label={`Preparing ${torrent.name}`} />
          </div>
        ))}
      </div>

      <form className="open-link" onSubmit={onOpen}>
        <label htmlFor={linkId}>Got a link? Open it here</label>
        <div className="open-link__row">
          <input
            id={linkId}
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="Share link, magnet link or info hash"
            value={linkText}
            onChange={(e) => setLinkText(e.currentTarget.value)}
          />
          <button type="submit" className="button" disabled={!linkText.trim()}>
            Open
          </button>
          <button type="button" className="button button--ghost" onClick={() => torrentInput.current?.click()}>
            Open a .torrent file
          </button>
          <input
            ref={torrentInput}
            type="file"
            accept=".torrent,application/x-bittorrent"
            hidden
            data-testid="torrent-input"
            onChange={onTorrentPicked}
          />
        </div>
      </form>
    </section>
  )
}
