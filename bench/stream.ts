import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { testVideo } from '../tests/e2e/media.js'
import { SwarmdropPage } from '../tests/e2e/swarmdrop-page.js'
import { NAME_HELPER, POLL_MS, shareFile, type ShareKind } from './steps.js'
import { round, type BenchContext, type Benchmark, type Figure } from './types.js'

/**
 * Time to first frame (link opened → `playing`) and seek latency (seek → the first frame shown past the target) for
 * a ~100 MB WebM, with the sender uncapped and capped at 2 MB/s.
 */
export const streaming100MB: Benchmark = async (context) => {
  const video = join(context.workDir, 'stream-100mb.webm')
  await copyFile(await testVideo(100, '8M'), video)
  const figures: Figure[] = []
  for (const cap of [null, '2 MB/s'] as const) {
    const { firstFrameMs, seekMs } = await measure(context, video, cap)
    const label = cap ? `sender capped at ${cap}` : 'uncapped'
    figures.push({
      name: `time to first frame, 100 MB WebM, ${label}`,
      value: round(firstFrameMs),
      unit: 'ms',
      target: cap ? '< 3000 ms' : '< 1000 ms',
    })
    figures.push({
      name: `seek to 50 % until playing, ${label}`,
      value: round(seekMs),
      unit: 'ms',
      target: cap ? '' : '< 1000 ms',
    })
  }
  return figures
}

/** First frame and seek to 50 % for one viewer of `video`, shared as `kind` (the viewer in `viewerBrowser` if given). */
export async function measure(
  { browser, origin }: Pick<BenchContext, 'browser' | 'origin'>,
  video: string,
  cap: string | null,
  kind: ShareKind = 'public',
  viewerBrowser = browser,
) {
  const [aliceContext, bobContext] = [await browser.newContext(), await viewerBrowser.newContext()]
  const [alice, bob] = [await aliceContext.newPage(), await bobContext.newPage()]
  await alice.goto(origin + '/')
  if (cap) await new SwarmdropPage(alice, origin).setUploadLimit(cap)
  const { link } = await shareFile(alice, video, kind)

  // A viewer who presses play at once: start every video muted the moment it appears.
  await bob.addInitScript({ content: NAME_HELPER })
  await bob.addInitScript(() => {
    new MutationObserver(() => {
      const video = document.querySelector('video')
      if (!video || video.dataset.bench) return
      video.dataset.bench = '1'
      video.muted = true
      video.addEventListener(
        'playing',
        () => ((window as unknown as { firstPlayingMs: number }).firstPlayingMs ??= performance.now()),
        { once: true },
      )
      void video.play().catch(() => {})
    }).observe(document, { subtree: true, childList: true })
  })
  await bob.goto(link)
  await bob.waitForFunction(
    () => (window as unknown as { firstPlayingMs?: number }).firstPlayingMs !== undefined,
    null,
    { polling: POLL_MS, timeout: 60_000 },
  )
  const firstFrameMs = await bob.evaluate(() => (window as unknown as { firstPlayingMs: number }).firstPlayingMs)

  await bob.waitForFunction(() => document.querySelector('video')!.currentTime > 1, null, {
    polling: POLL_MS,
    timeout: 30_000,
  })
  // Timed to the first frame presented past the target (requestVideoFrameCallback), not to the next
  // `timeupdate`, which Chromium fires only every ~250 ms while playing.
  const seekMs = await bob.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const video = document.querySelector('video')!
        const target = video.duration * 0.5
        const startedAt = performance.now()
        const onFrame = (presentedAt: number, frame: VideoFrameCallbackMetadata) => {
          if (frame.mediaTime > target + 0.05) resolve(presentedAt - startedAt)
          else video.requestVideoFrameCallback(onFrame)
        }
        video.currentTime = target
        video.requestVideoFrameCallback(onFrame)
        setTimeout(() => reject(new Error('seek did not resume within 60 s')), 60_000)
      }),
  )
  await aliceContext.close()
  await bobContext.close()
  return { firstFrameMs, seekMs }
}
