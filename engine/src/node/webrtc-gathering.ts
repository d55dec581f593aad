import { RTCPeerConnection } from 'webrtc-polyfill'
import { patchPrototype } from '../check.js'

/*
 * Browsers end ICE gathering with an `icecandidate` event whose candidate is null; simple-peer (which
 * webtorrent uses) waits for exactly that before sending a non-trickle offer or answer. Node's WebRTC
 * (webrtc-polyfill over node-datachannel) only changes `iceGatheringState`, so every offer and answer
 * from Node waited out simple-peer's 5 s timeout, and the delay made Node and browser peers offer to
 * each other at once and drop both connections as duplicates. This adds the missing event, once per
 * connection, when gathering completes.
 */
const completed = new WeakSet<object>()

/** Makes Node's RTCPeerConnection end gathering as browsers do. Idempotent. */
export function endGatheringAsBrowsersDo(): void {
  patchPrototype<RTCPeerConnection>(
    'node-end-of-candidates',
    'webrtc-polyfill RTCPeerConnection',
    RTCPeerConnection.prototype,
    (prototype) => {
      const dispatchEvent = prototype.dispatchEvent
      prototype.dispatchEvent = function (this: RTCPeerConnection, event: Event): boolean {
        const result = dispatchEvent.call(this, event)
        if (event.type === 'icegatheringstatechange' && this.iceGatheringState === 'complete' && !completed.has(this)) {
          completed.add(this)
          const endOfCandidates = new Event('icecandidate')
          Object.defineProperty(endOfCandidates, 'candidate', { value: null })
          dispatchEvent.call(this, endOfCandidates)
        }
        return result
      }
    },
  )
}
