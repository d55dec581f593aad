import type { Page } from '@playwright/test'
import { POLL_MS } from './steps.js'

/** Message size and buffered-amount high-water mark that did best here for tab-to-tab channels. */
const CHUNK_BYTES = 16 * 1024
const HIGH_WATER_BYTES = 256 * 1024
/** The sender reads the file this much at a time, the next window while it sends one (as the app does). */
const WINDOW_BYTES = 4 * 1024 * 1024

type ChannelWindow = {
  pc: RTCPeerConnection
  channel?: RTCDataChannel
  candidates: RTCIceCandidateInit[]
  doneAt?: number
}

/**
 * What moving a file between two pages (two browser contexts) of the same Chromium costs with nothing
 * but an RTCDataChannel, signalled through Playwright. Both return milliseconds from the first byte
 * sent to the last byte received (and, for a file, stored).
 *
 * - `raw`: bytes from memory into memory, the channel's ceiling.
 * - `file`: the least any verified, stored file transfer must do: the sender reads the file from
 *   disk, and the receiver hashes each piece (SHA-1, WebCrypto) and writes it to the private file
 *   system from a worker. No protocol: no requests, no framing, no bookkeeping.
 *
 * Both pages must come from openBlankPage: the app's origin (for the private file system), a file
 * input, and tsx's `__name` helper for the functions evaluated here.
 */
export async function channelTransferMs(
  sender: Page,
  receiver: Page,
  totalBytes: number,
  source: { kind: 'raw' } | { kind: 'file'; path: string; pieceBytes: number },
): Promise<number> {
  await connect(sender, receiver)
  if (source.kind === 'file') await sender.setInputFiles('input[type=file]', source.path)
  await receiver.evaluate(
    ({ totalBytes, pieceBytes }) => {
      const page = window as unknown as ChannelWindow
      const channel = page.channel!
      const markDone = () => (page.doneAt = performance.timeOrigin + performance.now())
      let received = 0
      if (!pieceBytes) {
        channel.onmessage = ({ data }: MessageEvent<ArrayBuffer>) => {
          received += data.byteLength
          if (received >= totalBytes) markDone()
        }
        return
      }
      // A worker writes each verified piece with a sync access handle and reports its length.
      // The handle is opened once, up front: pieces that arrive while it opens wait for it.
      const writer = `const file = navigator.storage.getDirectory().then((root) => root.getFileHandle('least', { create: true })).then((handle) => handle.createSyncAccessHandle())
        onmessage = async ({ data: { piece, length, at } }) => { (await file).write(piece.subarray(0, length), { at }); postMessage(length) }`
      const worker = new Worker(URL.createObjectURL(new Blob([writer], { type: 'text/javascript' })))
      let written = 0
      worker.onmessage = ({ data: length }: MessageEvent<number>) => {
        written += length
        if (written >= totalBytes) markDone()
      }
      let piece = new Uint8Array(pieceBytes)
      let filled = 0
      channel.onmessage = ({ data }: MessageEvent<ArrayBuffer>) => {
        piece.set(new Uint8Array(data), filled)
        filled += data.byteLength
        received += data.byteLength
        if (filled < pieceBytes && received < totalBytes) return
        const [full, length, at] = [piece, filled, received - filled]
        ;[piece, filled] = [new Uint8Array(pieceBytes), 0]
        void crypto.subtle
          .digest('SHA-1', full.subarray(0, length))
          .then(() => worker.postMessage({ piece: full, length, at }, [full.buffer]))
      }
    },
    { totalBytes, pieceBytes: source.kind === 'file' ? source.pieceBytes : 0 },
  )

  const startedAt = await sender.evaluate(
    async ({ totalBytes, chunkBytes, highWater, windowBytes, fromFile }) => {
      const channel = (window as unknown as ChannelWindow).channel!
      const file = fromFile ? document.querySelector<HTMLInputElement>('input[type=file]')!.files![0] : null
      const random = new Uint8Array(windowBytes)
      for (let at = 0; at < windowBytes; at += 65536) crypto.getRandomValues(random.subarray(at, at + 65536))
      const read = (at: number) =>
        file
          ? file
              .slice(at, at + windowBytes)
              .arrayBuffer()
              .then((bytes) => new Uint8Array(bytes))
          : Promise.resolve(random)
      channel.bufferedAmountLowThreshold = highWater / 2
      const startedAt = performance.timeOrigin + performance.now()
      let next = read(0)
      for (let at = 0; at < totalBytes; at += windowBytes) {
        const bytes = (await next).subarray(0, totalBytes - at)
        if (at + windowBytes < totalBytes) next = read(at + windowBytes)
        for (let offset = 0; offset < bytes.byteLength; offset += chunkBytes) {
          if (channel.bufferedAmount > highWater) {
            await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }))
          }
          channel.send(bytes.subarray(offset, offset + chunkBytes))
        }
      }
      return startedAt
    },
    {
      totalBytes,
      chunkBytes: CHUNK_BYTES,
      highWater: HIGH_WATER_BYTES,
      windowBytes: WINDOW_BYTES,
      fromFile: source.kind === 'file',
    },
  )
  const done = await receiver.waitForFunction(() => (window as unknown as ChannelWindow).doneAt, null, {
    timeout: 300_000,
    polling: POLL_MS,
  })
  const doneAt = Number(await done.jsonValue())
  for (const page of [sender, receiver]) await page.evaluate(() => (window as unknown as ChannelWindow).pc.close())
  return doneAt - startedAt
}

/** One ordered RTCDataChannel between the pages, open on both sides as `window.channel`. */
async function connect(sender: Page, receiver: Page): Promise<void> {
  const listen = (offers: boolean) => {
    const page = window as unknown as ChannelWindow
    page.pc = new RTCPeerConnection()
    page.candidates = []
    page.pc.onicecandidate = (event) => event.candidate && page.candidates.push(event.candidate.toJSON())
    page.pc.ondatachannel = ({ channel }) => {
      channel.binaryType = 'arraybuffer'
      if (channel.readyState === 'open') page.channel = channel
      else channel.onopen = () => (page.channel = channel)
    }
    if (!offers) return null
    const channel = page.pc.createDataChannel('bench', { ordered: true })
    channel.onopen = () => (page.channel = channel)
    return page.pc.setLocalDescription().then(() => page.pc.localDescription!.toJSON())
  }
  await receiver.evaluate(listen, false)
  const offer = (await sender.evaluate(listen, true))!
  const answer = await receiver.evaluate(async (offer) => {
    const { pc } = window as unknown as ChannelWindow
    await pc.setRemoteDescription(offer)
    await pc.setLocalDescription()
    return pc.localDescription!.toJSON()
  }, offer)
  await sender.evaluate((answer) => (window as unknown as ChannelWindow).pc.setRemoteDescription(answer), answer)
  // Exchange ICE candidates gathered so far (host candidates on loopback arrive at once).
  await new Promise((resolve) => setTimeout(resolve, 500))
  const candidates = (page: Page) => page.evaluate(() => (window as unknown as ChannelWindow).candidates)
  const add = (page: Page, list: RTCIceCandidateInit[]) =>
    page.evaluate(
      (list) =>
        Promise.all(list.map((candidate) => (window as unknown as ChannelWindow).pc.addIceCandidate(candidate))),
      list,
    )
  const [fromSender, fromReceiver] = [await candidates(sender), await candidates(receiver)]
  await add(receiver, fromSender)
  await add(sender, fromReceiver)
  for (const page of [sender, receiver])
    await page.waitForFunction(() => (window as unknown as ChannelWindow).channel, null, { timeout: 30_000 })
}
