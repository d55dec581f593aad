import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { parseShareFragment } from '@swarmdrop/common'
import { App } from './App'
import { keepShellForOffline } from './service-worker/register'
import { torrents } from './torrent'
import { loadClientConfig } from './torrent/config'
import './styles.css'

// The page asked for the deployment's configuration and ICE servers with itself (vite.config.ts,
// preloadStartup): take them now, on every page, so those answers are used.
void loadClientConfig()
void torrents().loadRelay()

// Opened from a share link: start joining its swarm now rather than after the first render.
const link = parseShareFragment(location.hash)
if (link.ok && link.value)
  torrents()
    .open(link.value)
    .catch(() => {})

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
)

// The app's worker keeps the shell for offline starts and receives files shared from other apps.
addEventListener('load', () => keepShellForOffline().catch(() => {}), { once: true })
