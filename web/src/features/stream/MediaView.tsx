import { useEffect, useRef, useState, type SyntheticEvent } from 'react'
import type { MediaKind } from '@swarmdrop/common'
import { torrents, type FileSnapshot } from '../../torrent'
import { TextPreview } from './TextPreview'

type Props = { torrentKey: string; file: FileSnapshot; kind: MediaKind }

type Source = { state: 'loading' } | { state: 'ready'; url: string; streaming: boolean } | { state: 'waiting'; reason: string } | { state: 'failed'; reason: string }

/**
 * Plays or previews one file. With the service worker the browser's own range requests stream the
 * file, so playback starts at once and seeking fetches the pieces it needs first; without one, the
 * file plays once it has downloaded.
 */
export function MediaView({ torrentKey, file, kind }: Props) {
  const [source, setSource] = useState<Source>({ state: 'loading' })
  const [playbackError, setPlaybackError] = useState<string | null>(null)
  const complete = file.progress >= 1

  useEffect(() => {
    let cancelled = false
    let blobUrl: string | null = null
    const settle = (next: Source) => !cancelled && setSource(next)
    torrents()
      .streamSupport()
      .then(async (support) => {
        if (support.ok) return settle({ state: 'ready', url: await torrents().streamUrl(torrentKey, file.index), streaming: true })
        if (!complete) return settle({ state: 'waiting', reason: support.reason })
        blobUrl = await torrents().blobUrl(torrentKey, file.index)
        settle({ state: 'ready', url: blobUrl, streaming: false })
      })
      .catch((err: Error) => settle({ state: 'failed', reason: err.message }))
    return () => {
      cancelled = true
      if (blobUrl) URL.revokeObjectURL(blobUrl)
    }
    // `complete` matters only for the fallback, where it turns "waiting" into a playable blob.
  }, [torrentKey, file.index, complete])

  // Once per player: the file's end, which seeking reads first, then comes alongside the playhead.
  const endRequested = useRef(false)
  const onPlaying = () => {
    if (source.state !== 'ready' || !source.streaming || endRequested.current) return
    endRequested.current = true
    torrents().fetchEndEarly(torrentKey, file.index)
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
        <video className="media__video" src={source.url} controls preload="metadata" playsInline onPlaying={onPlaying} onError={onMediaError} aria-label={`Play ${file.name}`} />
      ) : kind === 'audio' ? (
        <audio className="media__audio" src={source.url} controls preload="metadata" onPlaying={onPlaying} onError={onMediaError} aria-label={`Play ${file.name}`} />
      ) : kind === 'image' ? (
        <img className="media__image" src={source.url} alt={file.name} onError={onMediaError} />
      ) : kind === 'pdf' ? (
        <iframe className="media__pdf" src={source.url} title={file.name} />
      ) : (
        <TextPreview url={source.url} />
      )}
    </div>
  )
}
