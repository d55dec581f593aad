import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, rename } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/swarmdrop-media/', import.meta.url))

/**
 * Test media made with Debian's ffmpeg, cached between runs. The video has noise on top of the
 * test pattern so that its bitrate, and so its size, is what is asked for.
 */
export async function testVideo(seconds: number, videoBitrate: string): Promise<string> {
  return cached(`video-${seconds}s-${videoBitrate}.webm`, [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25,noise=alls=30:allf=t',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000',
    '-t',
    String(seconds),
    '-c:v',
    'libvpx',
    '-b:v',
    videoBitrate,
    '-minrate',
    videoBitrate,
    '-maxrate',
    videoBitrate,
    '-bufsize',
    '2M',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-c:a',
    'libopus',
    '-b:a',
    '64k',
  ])
}

export async function testAudio(seconds: number): Promise<string> {
  return cached(`audio-${seconds}s.opus`, [
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=330:sample_rate=48000',
    '-t',
    String(seconds),
    '-c:a',
    'libopus',
    '-b:a',
    '256k',
  ])
}

async function cached(name: string, args: string[]): Promise<string> {
  const path = join(CACHE_DIR, name)
  if (existsSync(path)) return path
  await mkdir(CACHE_DIR, { recursive: true })
  const partial = `${path}.partial-${process.pid}${extname(path)}`
  await promisify(execFile)('ffmpeg', ['-loglevel', 'error', '-y', ...args, partial])
  await rename(partial, path)
  return path
}

/** The app's player of a video or an audio file. */
export const media = (page: Page, selector: 'video' | 'audio') => page.locator(selector)

/** Starts the player as a person's click would (muted, so no browser refuses to autoplay it). */
export async function playMuted(page: Page, selector: 'video' | 'audio'): Promise<void> {
  await media(page, selector).evaluate((element: HTMLMediaElement) => {
    element.muted = true
    return element.play()
  })
}

export const currentTime = (page: Page, selector: 'video' | 'audio') =>
  media(page, selector).evaluate((element: HTMLMediaElement) => element.currentTime)
