import type { Page } from '@playwright/test'

/** Message size and buffered-amount high-water mark that did best here for tab-to-tab channels. */
const CHUNK_BYTES = 16 * 1024
const HIGH_WATER_BYTES = 256 * 1024

/**
 * Moves `totalBytes` over one RTCDataChannel between two pages (two browser contexts) of the same
 * Chromium, signalled through Playwright. Returns milliseconds from the first byte sent to the last
 * byte received: the ceiling the app's transfer is compared with.
 */
export async function rawDataChannelTransferMs(sender: Page, receiver: Page, totalBytes: number): Promise<number> {
  await receiver.evaluate(() => {
    const state = window as unknown as { pc: RTCPeerConnection; received: number; doneAt: number; candidates: RTCIceCandidateInit[] }
    state.pc = new RTCPeerConnection()
    state.received = 0
    state.candidates = []
    state.pc.onicecandidate = (event) => event.candidate && state.candidates.push(event.candidate.toJSON())
    state.pc.ondatachannel = ({ channel }) => {
      channel.binaryType = 'arraybuffer'
      channel.onmessage = (event: MessageEvent<ArrayBuffer>) => {
        state.received += event.data.byteLength
        state.doneAt = performance.timeOrigin + performance.now()
      }
    }
  })
  const offer = await sender.evaluate(async () => {
    const state = window as unknown as { pc: RTCPeerConnection; channel: RTCDataChannel; candidates: RTCIceCandidateInit[] }
    state.pc = new RTCPeerConnection()
    state.candidates = []
    state.pc.onicecandidate = (event) => event.candidate && state.candidates.push(event.candidate.toJSON())
    state.channel = state.pc.createDataChannel('bench', { ordered: true })
    await state.pc.setLocalDescription()
    return state.pc.localDescription!.toJSON()
  })
  const answer = await receiver.evaluate(async (offer) => {
    const state = window as unknown as { pc: RTCPeerConnection }
    await state.pc.setRemoteDescription(offer)
    await state.pc.setLocalDescription()
    return state.pc.localDescription!.toJSON()
  }, offer)
  await sender.evaluate((answer) => (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription(answer), answer)
  // Exchange ICE candidates gathered so far (host candidates on loopback arrive at once).
  await new Promise((resolve) => setTimeout(resolve, 500))
  const fromSender = await sender.evaluate(() => (window as unknown as { candidates: RTCIceCandidateInit[] }).candidates)
  const fromReceiver = await receiver.evaluate(() => (window as unknown as { candidates: RTCIceCandidateInit[] }).candidates)
  await receiver.evaluate((list) => Promise.all(list.map((c) => (window as unknown as { pc: RTCPeerConnection }).pc.addIceCandidate(c))), fromSender)
  await sender.evaluate((list) => Promise.all(list.map((c) => (window as unknown as { pc: RTCPeerConnection }).pc.addIceCandidate(c))), fromReceiver)

  const startedAt = await sender.evaluate(
    async ({ totalBytes, chunkBytes, highWater }) => {
      const channel = (window as unknown as { channel: RTCDataChannel }).channel
      if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }))
      const chunk = new Uint8Array(chunkBytes)
      crypto.getRandomValues(chunk)
      channel.bufferedAmountLowThreshold = highWater / 2
      const startedAt = performance.timeOrigin + performance.now()
      let sent = 0
      while (sent < totalBytes) {
        if (channel.bufferedAmount > highWater) {
          await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }))
        }
        channel.send(chunk)
        sent += chunk.byteLength
      }
      return startedAt
    },
    { totalBytes, chunkBytes: CHUNK_BYTES, highWater: HIGH_WATER_BYTES },
  )
  await receiver.waitForFunction((total) => (window as unknown as { received: number }).received >= total, totalBytes, { timeout: 300_000, polling: 100 })
  const doneAt = await receiver.evaluate(() => (window as unknown as { doneAt: number }).doneAt)
  await sender.evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.close())
  await receiver.evaluate(() => (window as unknown as { pc: RTCPeerConnection }).pc.close())
  return doneAt - startedAt
}
