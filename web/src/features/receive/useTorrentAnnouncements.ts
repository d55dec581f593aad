import { useEffect, useRef, useState } from 'react'
import { STATUS_LABELS, type TorrentSnapshot } from '../../torrent'

const MILESTONES = [0.25, 0.5, 0.75] as const

/**
 * What a screen reader hears (milestones and state changes, not every number), the page title (so a
 * background tab shows progress), and a notification when a download completes in a background tab.
 */
export function useTorrentAnnouncements(torrent: TorrentSnapshot | undefined): string {
  const [announcement, setAnnouncement] = useState('')
  const lastStatus = useRef<string | null>(null)
  const lastMilestone = useRef(0)

  useEffect(() => {
    if (!torrent) return
    const percent = Math.floor(torrent.progress * 100)
    const title =
      torrent.status === 'downloading' || torrent.status === 'stalled'
        ? `${percent}% · ${torrent.name} — Swarmdrop`
        : torrent.status === 'done'
          ? `✓ ${torrent.name} — Swarmdrop`
          : `${torrent.name} — Swarmdrop`
    // Each assignment replaces the <title>'s text and tells the browser process, even when unchanged
    // (this effect runs on every snapshot).
    if (document.title !== title) document.title = title

    if (torrent.status !== lastStatus.current) {
      const previous = lastStatus.current
      lastStatus.current = torrent.status
      if (previous !== null) setAnnouncement(`${torrent.name}: ${STATUS_LABELS[torrent.status]}.`)
      if (
        torrent.status === 'done' &&
        previous !== null &&
        document.hidden &&
        'Notification' in window &&
        Notification.permission === 'granted'
      ) {
        new Notification('Download complete', { body: torrent.name, tag: torrent.infoHash ?? torrent.id })
      }
      return
    }
    const milestone = MILESTONES.filter((mark) => torrent.progress >= mark).pop() ?? 0
    if (torrent.status === 'downloading' && milestone > lastMilestone.current) {
      lastMilestone.current = milestone
      setAnnouncement(`${torrent.name}: ${Math.round(milestone * 100)}% downloaded.`)
    }
  }, [torrent])

  useEffect(() => () => void (document.title = 'Swarmdrop'), [])
  return announcement
}
