import { useEffect } from 'react'
import { WORKER_PROTOCOL } from '../../service-worker/protocol'
import type { ShareInput } from '../../torrent'
import { openLinkText, takeFiles } from './actions'

/** The installed app's launch queue (file handlers); only in browsers that have one. */
type LaunchQueue = { setConsumer(consumer: (params: { files?: readonly FileSystemFileHandle[] }) => void): void }

let handled = false

/**
 * What the app was opened with by the system rather than a link: files or a link from another app's
 * share sheet (`?shared=<id>`, kept by the service worker), a magnet link (`?open=`, the magnet:
 * protocol handler), and .torrent files opened with the installed app (launch queue).
 */
export function useLaunchIntake(onError: (message: string) => void): void {
  useEffect(() => {
    if (handled) return
    handled = true
    const run = (task: () => Promise<void> | void) =>
      void Promise.resolve()
        .then(task)
        .catch((err: Error) => onError(err.message))
    const params = new URLSearchParams(location.search)
    const shared = params.get('shared')
    const opened = params.get('open')
    if (shared !== null || opened !== null) history.replaceState(null, '', `/${location.hash}`)
    if (opened) run(() => openLinkText(opened))
    if (shared === 'failed') onError('The shared files could not be received. Share them again, or drop them here.')
    else if (shared) {
      run(async () => {
        const { inputs, link } = await takeShared(shared)
        if (link) openLinkText(link)
        else await takeFiles(inputs)
      })
    }

    const launchQueue = (window as { launchQueue?: LaunchQueue }).launchQueue
    launchQueue?.setConsumer(({ files = [] }) => {
      run(async () => {
        for (const handle of files) {
          const file = await handle.getFile()
          await takeFiles([{ file, path: file.name }])
        }
      })
    })
  }, [onError])
}

/**
 * What the service worker kept under `id`: the files shared, in their order, or a link shared instead;
 * taken out of its cache.
 */
async function takeShared(id: string): Promise<{ inputs: ShareInput[]; link: string | null }> {
  const cache = await caches.open(WORKER_PROTOCOL.sharedFilesCache)
  const prefix = `${location.origin}${WORKER_PROTOCOL.shareTargetPath}/${id}/`
  const nameOf = (request: Request) => request.url.slice(prefix.length)
  const requests = (await cache.keys())
    .filter((request) => request.url.startsWith(prefix))
    .sort((a, b) => Number(nameOf(a)) - Number(nameOf(b)))
  const inputs: ShareInput[] = []
  let link: string | null = null
  for (const request of requests) {
    const response = await cache.match(request)
    await cache.delete(request)
    if (!response) continue
    if (nameOf(request) === WORKER_PROTOCOL.sharedLink) {
      link = await response.text()
      continue
    }
    const name = decodeURIComponent(response.headers.get('X-File-Name') ?? '') || `shared file ${inputs.length + 1}`
    inputs.push({
      file: new File([await response.blob()], name, { type: response.headers.get('Content-Type') ?? '' }),
      path: name,
    })
  }
  if (inputs.length === 0 && !link)
    throw new Error('The shared files were not found. Share them again, or drop them here.')
  return { inputs, link }
}
