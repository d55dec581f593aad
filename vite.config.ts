import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { extname, join, resolve } from 'node:path'
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, transformWithOxc, type Plugin } from 'vite'
import { CLIENT_CONFIG_PATH, RTC_CONFIG_PATH } from './common/src/index'
import { WORKER_PROTOCOL } from './web/src/service-worker/protocol'

/** A tiny script of its own that runs before the app's: see web/src/early-tracker-socket.ts. */
const EARLY_SOCKET_ENTRY = 'early-tracker-socket'

/** The app's service worker, served from the root (its scope): see web/src/service-worker/. */
const APP_WORKER_FILE = 'sw.js'

/**
 * Builds the app's one service worker: webtorrent's streaming worker (from its package) followed by
 * the app's own (the offline shell and the share target), which is told every file of the shell.
 */
function appServiceWorker(): Plugin {
  const webtorrentWorker = () =>
    readFileSync(
      createRequire(import.meta.url).resolve('webtorrent/dist/sw.min.js', { paths: ['web'] }),
      'utf8',
    ).replace(/^\/\/# sourceMappingURL=.*$/m, '')
  const source = async (shell: { version: string; files: string[] }) => {
    const file = fileURLToPath(new URL('web/src/service-worker/app-shell.ts', import.meta.url))
    const { code } = await transformWithOxc(readFileSync(file, 'utf8'), file)
    // Its one import is of types, which the transform leaves as an empty `export {}`.
    const ownWorker = code.replace(/^export \{\s*\};?$/m, '')
    return `const APP_SHELL = ${JSON.stringify({ ...shell, protocol: WORKER_PROTOCOL })};\n${webtorrentWorker()}\n(() => {\n${ownWorker}\n})();\n`
  }
  return {
    name: 'app-service-worker',
    // After Vite's own plugins, so the bundle holds index.html too.
    enforce: 'post',
    configureServer(server) {
      // In development nothing is kept offline: every file comes from the dev server.
      server.middlewares.use(`/${APP_WORKER_FILE}`, (_req, res, next) => {
        source({ version: 'dev', files: [] }).then((code) => {
          res.setHeader('Content-Type', 'text/javascript')
          res.end(code)
        }, next)
      })
    },
    async generateBundle(_options, bundle) {
      const built = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map'))
        .map((name) => (name === 'index.html' ? '/' : `/${name}`))
      const publicDir = fileURLToPath(new URL('web/public', import.meta.url))
      const publicFiles = readdirSync(publicDir).filter((name) => !name.startsWith('.'))
      const files = [...built, ...publicFiles.map((name) => `/${name}`)].sort()
      // Hashed assets change name with their content; index.html and the public files (the manifest,
      // icons) keep theirs, so their content goes into the version, or a worker would keep old ones.
      const version = createHash('sha256').update(files.join('\n'))
      const index = bundle['index.html']
      if (index?.type === 'asset') version.update(index.source)
      for (const name of publicFiles.sort()) version.update(readFileSync(join(publicDir, name)))
      this.emitFile({
        type: 'asset',
        fileName: APP_WORKER_FILE,
        source: await source({ version: version.digest('hex').slice(0, 12), files }),
      })
    },
  }
}

/**
 * The early tracker socket's script first in the page, inline (web/src/early-tracker-socket.ts). Then what a
 * page opened on a share link needs before it can reach the tracker, asked for with the page,
 * after the main bundle and the styles (so they come first), instead of once the bundle has run:
 * webtorrent's chunk (~40 % of the app's script; modulepreload fetches and compiles it, and runs
 * nothing), the deployment's configuration and the ICE servers (the app takes those on every page,
 * main.tsx, so no preload goes unused).
 */
function preloadStartup(): Plugin {
  return {
    name: 'preload-startup',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle }) {
        const webtorrent = Object.values(bundle ?? {}).find(
          (file) => file.type === 'chunk' && file.isDynamicEntry && file.name.startsWith('webtorrent'),
        )
        const preload = (attrs: Record<string, string | boolean>) => ({ tag: 'link', attrs, injectTo: 'head' as const })
        const early = Object.values(bundle ?? {}).find(
          (file) => file.type === 'chunk' && file.isEntry && file.name === EARLY_SOCKET_ENTRY,
        )
        if (early?.type === 'chunk') for (const file of [early.fileName, `${early.fileName}.map`]) delete bundle![file]
        return [
          // In the page itself, before the main script: it runs as soon as the page is parsed (module
          // scripts run in document order), with no request of its own to wait for or to slow the
          // main script's. The server allows it by its hash (tracker/src/server.ts).
          ...(early?.type === 'chunk'
            ? [
                {
                  tag: 'script',
                  attrs: { type: 'module' },
                  children: early.code.replace(/\n\/\/# sourceMappingURL=.*$/, '').trim(),
                  injectTo: 'head-prepend' as const,
                },
              ]
            : []),
          ...(webtorrent
            ? [preload({ rel: 'modulepreload', crossorigin: true, href: `/${webtorrent.fileName}` })]
            : []),
          ...[CLIENT_CONFIG_PATH, RTC_CONFIG_PATH].map((href) =>
            preload({ rel: 'preload', as: 'fetch', crossorigin: true, href }),
          ),
        ]
      },
    },
  }
}

/** Text files worth compressing, and the least size that pays for it. */
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.svg', '.json', '.webmanifest', '.txt'])
const COMPRESS_FROM_BYTES = 1024

/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every text file of the build, once, at the
 * highest levels: the server sends whichever the browser accepts (sirv's `brotli`/`gzip` options)
 * instead of compressing on each request or not at all. The app's JavaScript (the main bundle and
 * webtorrent's) went from 581 KB on the wire to 157 KB with brotli, 181 KB with gzip: on a long path,
 * round trips saved before the first peer.
 */
function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      for (const name of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        const file = join(outDir, name)
        if (!COMPRESSIBLE.has(extname(file)) || statSync(file).size < COMPRESS_FROM_BYTES) continue
        const bytes = readFileSync(file)
        writeFileSync(`${file}.br`, brotliCompressSync(bytes, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11 } }))
        writeFileSync(`${file}.gz`, gzipSync(bytes, { level: 9 }))
      }
    },
  }
}

// The web app lives in web/; the tracker serves web/dist in production and tests.
export default defineConfig({
  root: 'web',
  plugins: [react(), preloadStartup(), appServiceWorker(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rollupOptions: {
      // The early tracker socket is an entry of its own, put in the page by preloadStartup.
      input: { index: resolve('web/index.html'), [EARLY_SOCKET_ENTRY]: resolve('web/src/early-tracker-socket.ts') },
    },
  },
  server: {
    // `npm run dev`: the tracker (npm start) on 8080 answers the API and the WebSocket tracker.
    proxy: {
      '/api': 'http://localhost:8080',
      '/announce': { target: 'ws://localhost:8080', ws: true },
    },
  },
})
