import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RTCPeerConnection } from 'webrtc-polyfill'
import { endGatheringAsBrowsersDo } from './webrtc-gathering.js'

endGatheringAsBrowsersDo()

describe("Node's WebRTC gathering", () => {
  it('ends with a null icecandidate, as browsers do, so non-trickle offers go out at once', async () => {
    const pc = new RTCPeerConnection({ iceServers: [] })
    const candidates: Array<RTCIceCandidate | null> = []
    const ended = new Promise<void>((resolve) => {
      pc.onicecandidate = (event) => {
        candidates.push(event.candidate)
        if (event.candidate === null) resolve()
      }
    })
    pc.createDataChannel('x')
    await pc.setLocalDescription(await pc.createOffer())
    await ended
    assert.equal(pc.iceGatheringState, 'complete')
    assert.equal(candidates.filter((candidate) => candidate === null).length, 1)
    assert.match(pc.localDescription?.sdp ?? '', /a=candidate/)
    pc.close()
  })
})
