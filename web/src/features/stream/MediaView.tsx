import { useEffect, useRef, useState, type SyntheticEvent } from 'react'
import type { MediaKind } from '@swarmdrop/common'
import { torrents, type FileSnapshot } from '../../torrent'
import { TextPreview } from './TextPreview'

/** `autoPlay`: start playing as soon as it can (a link just opened); muted where the browser allows only that. */
type Props = { torrentId: string; file: FileSnapshot; kind: MediaKind; autoPlay?: boolean }

type Source =
  | { state: 'loading' }
  | { state: 'ready'; url: string; streaming: boolean }
  | { state: 'waiting'; reason: string }
  | { state: 'failed'; reason: string }

/**
 * Plays or previews one file. With the service worker the browser's own range requests stream the
 * file, so playback starts at once and seeking fetches the pieces it needs first; without one, the
 * file plays once it has downloaded.
 */
export function MediaView({ torrentId, file, kind, autoPlay = false }: Props) {
  const [source, setSource] = useState<Source>({ state: 'loading' })
  const [playbackError, setPlaybackError] = useState<string | null>(null)
  const player = useRef<HTMLMediaElement | null>(null)
  const startOnOpen = useRef(autoPlay)
  const [mutedToStart, setMutedToStart] = useState(false)
  const complete = file.progress >= 1

  useEffect(() => {
    let cancelled = false
    let blobUrl: string | null = null
    const settle = (next: Source) => !cancelled && setSource(next)
    torrents()
      .streamSupport()
      .then(async (support) => {
        if (support.ok)
          return settle({ state: 'ready', url: await torrents().streamUrl(torrentId, file.index), streaming: true })
        if (!complete) return settle({ state: 'waiting', reason: support.reason })
        blobUrl = await torrents().blobUrl(torrentId, file.index)
        settle({ state: 'ready', url: blobUrl, streaming: false })
      })
      .catch((err: Error) => settle({ state: 'failed', reason: err.message }))
    return () => {
      cancelled = true
      if (blobUrl) URL.revokeObjectURL(blobUrl)
    }
    // `complete` matters only for the fallback, where it turns "waiting" into a playable blob.
  }, [torrentId, file.index, complete])

  // Once per player: the file's end, which seeking reads first, then comes alongside the playhead.
  const endRequested = useRef(false)
  const onPlaying = () => {
    if (source.state !== 'ready' || !source.streaming || endRequested.current) return
    endRequested.current = true
    torrents().fetchEndEarly(torrentId, file.index)
  }

  // Browsers let a page start playing with sound only after a person's gesture (or on sites they often
  // play media on): otherwise it starts muted, with an Unmute button in plain view.
  const onLoadedMetadata = () => {
    const element = player.current
    if (!element || !startOnOpen.current) return
    startOnOpen.current = false
    element.play().catch(() => {
      element.muted = true
      setMutedToStart(true)
      return element.play().catch(() => setMutedToStart(false))
    })
  }
  const unmute = () => {
    if (player.current) player.current.muted = false
    setMutedToStart(false)
  }
  const onVolumeChange = () => {
    if (player.current && !player.current.muted) setMutedToStart(false)
  }

  const onMediaError = (event: SyntheticEvent<HTMLMediaElement | HTMLImageElement>) => {
    const target = event.currentTarget
    const code = 'error' in target ? target.error?.code : undefined
    setPlaybackError(
      code === 3 // MEDIA_ERR_DECODE
        ? 'This file is damaged or truncated and cannot be played. You can still save it.'
        : `This browser cannot ${kind === 'image' ? 'show' : 'play'} this file (unsupported format or codec). You can still save it.`,
    )
  }

  const playerProps = {
    src: source.state === 'ready' ? source.url : undefined,
    controls: true,
    preload: 'metadata',
    onPlaying,
    onError: onMediaError,
    onLoadedMetadata,
    onVolumeChange,
    'aria-label': `Play ${file.name}`,
  } as const

  if (source.state === 'loading') return <p className="muted media-note">Preparing the player…</p>
  if (source.state === 'waiting') return <p className="muted media-note">{source.reason}</p>
  if (source.state === 'failed') return <p className="error-text media-note">{source.reason}</p>

  return (
    <div className="media" data-testid="media-view">
      {playbackError ? (
        <p className="error-text media-note" role="alert" data-testid="media-error">
          {playbackError}
        </p>
      ) : kind === 'video' ? (
        <video
          className="media__video"
          ref={(element) => void (player.current = element)}
          playsInline
          {...playerProps}
        />
      ) : kind === 'audio' ? (
        <audio className="media__audio" ref={(element) => void (player.current = element)} {...playerProps} />
      ) : kind === 'image' ? (
        <img className="media__image" src={source.url} alt={file.name} onError={onMediaError} />
      ) : kind === 'pdf' ? (
        <iframe className="media__pdf" src={source.url} title={file.name} />
      ) : (
        <TextPreview url={source.url} />
      )}
      {mutedToStart && (
        <button type="button" className="button media__unmute" onClick={unmute}>
          Unmute
        </button>
      )}
    </div>
  )
}
