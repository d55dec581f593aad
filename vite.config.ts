import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

const STREAM_WORKER_FILE = 'sw.min.js'

/**
 * webtorrent's streaming service worker must be served from the app's root (its scope), so it is
 * copied there from the package on build and served from it in dev.
 */
function webtorrentServiceWorker(): Plugin {
  const source = () => readFileSync(createRequire(import.meta.url).resolve(`webtorrent/dist/${STREAM_WORKER_FILE}`, { paths: ['web'] }))
  return {
    name: 'webtorrent-service-worker',
    configureServer(server) {
      server.middlewares.use(`/${STREAM_WORKER_FILE}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript')
        res.end(source())
      })
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: STREAM_WORKER_FILE, source: source() })
    },
  }
}

// The web app lives in web/; the tracker serves web/dist in production and tests.
export default defineConfig({
  root: 'web',
  plugins: [react(), webtorrentServiceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
  server: {
    // `npm run dev`: the tracker (npm start) on 8080 answers the API and the WebSocket tracker.
    proxy: {
      '/api': 'http://localhost:8080',
      '/announce': { target: 'ws://localhost:8080', ws: true },
    },
  },
})
