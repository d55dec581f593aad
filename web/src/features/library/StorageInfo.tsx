import { useEffect, useState } from 'react'
import { formatBytes } from '../../format'

const REFRESH_MS = 5_000

type Storage = { usage: number; quota: number; persisted: boolean }

/** How much of the browser's storage the app uses, and whether the browser may clear it. */
export function StorageInfo({ torrentCount }: { torrentCount: number }) {
  const [storage, setStorage] = useState<Storage | null>(null)

  useEffect(() => {
    if (!navigator.storage?.estimate) return
    let cancelled = false
    const read = async () => {
      const [{ usage = 0, quota = 0 }, persisted] = await Promise.all([
        navigator.storage.estimate(),
        navigator.storage.persisted?.() ?? false,
      ])
      if (!cancelled) setStorage({ usage, quota, persisted })
    }
    void read()
    const timer = setInterval(() => void read(), REFRESH_MS)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
    // A torrent added or deleted changes the usage at once; read again then too.
  }, [torrentCount])

  if (!storage) return null
  return (
    <p className="muted storage-info" data-testid="storage" data-usage={storage.usage}>
      Using {formatBytes(storage.usage)} of {formatBytes(storage.quota)} available in this browser
      {storage.persisted ? '' : ' · the browser may clear it when space runs low'}.
    </p>
  )
}
