import { useCallback, useEffect, useState } from 'react'
import { HomeView } from './features/share/HomeView'
import { TorrentView } from './features/receive/TorrentView'
import { TorrentList } from './features/library/TorrentList'
import { useGlobalIntake } from './features/open/useGlobalIntake'
import { useLaunchIntake } from './features/open/launch-intake'
import { SettingsMenu } from './features/settings/SettingsMenu'
import { goHome, useRoute } from './route'
import { torrents, useTorrentList } from './torrent'

export function App() {
  const route = useRoute()
  const [notice, setNotice] = useState<string | null>(null)
  const showError = useCallback((message: string) => setNotice(message), [])
  const dragging = useGlobalIntake(showError)
  useLaunchIntake(showError)
  const link = route.ok ? route.value : null

  // Closing the only tab that has a whole torrent ends its sharing, and one the server is still
  // taking a copy from leaves the server half a share: ask first.
  const list = useTorrentList()
  const onlySeeder = list.some(
    (torrent) =>
      (torrent.onlySeeder && (torrent.status === 'seeding' || torrent.status === 'done')) ||
      torrent.keeping?.state === 'fetching',
  )
  useEffect(() => {
    if (!onlySeeder) return
    const warn = (event: BeforeUnloadEvent) => event.preventDefault()
    window.addEventListener('beforeunload', warn)
    return () => window.removeEventListener('beforeunload', warn)
  }, [onlySeeder])

  // Bring back what this browser shared and downloaded before the reload.
  useEffect(() => {
    torrents()
      .restore()
      .catch((err: Error) => showError(`Your torrents could not be restored: ${err.message}`))
  }, [showError])

  return (
    <div className="app">
      <header className="topbar">
        <a
          className="brand"
          href="#"
          onClick={(event) => {
            event.preventDefault()
            goHome()
          }}
        >
          <img src="/favicon.svg" alt="" width={28} height={28} />
          Swarmdrop
        </a>
        <SettingsMenu />
      </header>

      <main className="content">
        {notice && (
          <div className="notice" role="alert" data-testid="notice">
            <span>{notice}</span>
            <button
              type="button"
              className="button button--small button--ghost"
              onClick={() => setNotice(null)}
              aria-label="Dismiss message"
            >
              Dismiss
            </button>
          </div>
        )}
        {!route.ok ? (
          <section className="card" role="alert" data-testid="link-error">
            <h1>This link does not work</h1>
            <p>{route.error}</p>
            <button type="button" className="button button--primary" onClick={goHome}>
              Share or open something else
            </button>
          </section>
        ) : link ? (
          <TorrentView key={link.infoHash} link={link} onError={showError} />
        ) : (
          <HomeView onError={showError} />
        )}
        <TorrentList currentInfoHash={link?.infoHash ?? null} />
      </main>

      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <p>Drop to share</p>
        </div>
      )}
    </div>
  )
}
