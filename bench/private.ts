import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { DONE_MARK, FIRST_PEER_MARK } from '@swarmdrop/common'
import { testVideo } from '../tests/e2e/media.js'
import { receiverPeakPss } from './memory.js'
import { downloadMs, inNewContext, markSpanMs, newSender, shareFile, writeRandomFile, type ShareKind } from './steps.js'
import { measure as measureStream } from './stream.js'
import { medianOf, MiB, mibPerS, round, type Benchmark, type Figure } from './types.js'

const KINDS: readonly ShareKind[] = ['public', 'private']
/** Alternated rounds of each measurement, so the machine's drift weighs on both kinds alike. */
const TRANSFER_ROUNDS = 3
const SHARE_ROUNDS = 3
const STREAM_ROUNDS = 3

/**
 * Private links beside public torrents, in the same run: browser-to-browser throughput (first peer to
 * done), drop to link for 1 GiB, first frame and seek of a video, and the receiver's memory.
 */
export const privateVsPublic: Benchmark = async (context) => {
  const { browser, origin, workDir } = context
  const figures: Figure[] = []
  /** The private figure against the public one (ratio private / public). */
  const ratioFigure = (name: string, unit: string, values: Record<ShareKind, number[]>, target: string): Figure => {
    const [pub, priv] = [medianOf(values.public), medianOf(values.private)]
    return {
      name,
      value: round(priv, 2),
      unit,
      anchor: { name: 'public torrent, same run', value: round(pub, 2), unit },
      ratio: round(priv / pub, 2),
      target,
      note: `medians; public ${values.public.map((v) => round(v, 2)).join(', ')}; private ${values.private.map((v) => round(v, 2)).join(', ')}`,
    }
  }

  // Throughput, 256 MiB: one sender of each kind, fresh receivers alternating.
  const bytes = 256 * MiB
  const path = join(workDir, 'private-256mib.bin')
  await writeRandomFile(path, bytes)
  const senders = {
    public: await newSender(browser, origin, path, 'public'),
    private: await newSender(browser, origin, path, 'private'),
  }
  const speeds: Record<ShareKind, number[]> = { public: [], private: [] }
  for (let round = 0; round < TRANSFER_ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      const ms = await inNewContext(browser, async (page) => {
        await downloadMs(page, senders[kind].link)
        return markSpanMs(page, FIRST_PEER_MARK, DONE_MARK)
      })
      speeds[kind].push(mibPerS(bytes, ms))
    }
  }
  for (const sender of Object.values(senders)) await sender.context.close()
  figures.push(
    ratioFigure(
      'private link: browser-to-browser throughput, 256 MiB (first peer to done)',
      'MiB/s',
      speeds,
      '>= 0.9 x public',
    ),
  )

  // Drop to link, 1 GiB: the private share also encrypts every record as it hashes.
  const big = join(workDir, 'private-1gib.bin')
  await writeRandomFile(big, 1024 * MiB)
  const shareSeconds: Record<ShareKind, number[]> = { public: [], private: [] }
  for (let round = 0; round < SHARE_ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      shareSeconds[kind].push(
        await inNewContext(browser, async (page) => {
          await page.goto(origin + '/')
          return (await shareFile(page, big, kind)).shareMs / 1000
        }),
      )
    }
  }
  figures.push(ratioFigure('private link: drop to share link, 1 GiB', 's', shareSeconds, '<= 1.5 x public'))

  // First frame and seek, uncapped, 100 MB WebM.
  const video = join(workDir, 'private-100mb.webm')
  await copyFile(await testVideo(100, '8M'), video)
  const firstFrame: Record<ShareKind, number[]> = { public: [], private: [] }
  const seek: Record<ShareKind, number[]> = { public: [], private: [] }
  for (let round = 0; round < STREAM_ROUNDS; round++) {
    for (const kind of round % 2 === 0 ? KINDS : [...KINDS].reverse()) {
      const { firstFrameMs, seekMs } = await measureStream(context, video, null, kind)
      firstFrame[kind].push(firstFrameMs)
      seek[kind].push(seekMs)
    }
  }
  figures.push(ratioFigure('private link: time to first frame, 100 MB WebM', 'ms', firstFrame, '<= 1.2 x public'))
  figures.push(ratioFigure('private link: seek to 50 % until playing, 100 MB WebM', 'ms', seek, '<= 1.2 x public'))

  // Receiver memory while 512 MiB arrive.
  const half = join(workDir, 'private-512mib.bin')
  await writeRandomFile(half, 512 * MiB)
  const memory: Record<ShareKind, number[]> = { public: [], private: [] }
  for (const kind of KINDS) memory[kind].push((await receiverPeakPss(context, half, kind)).peakBytes / MiB)
  figures.push(
    ratioFigure(
      'private link: receiver renderer memory (peak PSS) while receiving 512 MiB',
      'MiB',
      memory,
      '~1 x public (unchanged)',
    ),
  )
  return figures
}
