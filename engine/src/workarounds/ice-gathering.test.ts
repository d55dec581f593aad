import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { upstreamClasses } from '../contract/classes.js'
import { awaitedCandidateTypes, candidateType, sendOnceCandidatesArrive } from './ice-gathering.js'

const HOST = 'candidate:1 1 udp 2113937151 192.0.2.2 45169 typ host generation 0'
const SRFLX = 'candidate:2 1 udp 1677729535 198.51.100.7 61000 typ srflx raddr 192.0.2.2 rport 45169'
const RELAY = 'candidate:3 1 udp 41885439 203.0.113.9 50000 typ relay raddr 198.51.100.7 rport 61000'

/**
 * A non-trickle simple-peer as far as the patch sees it: its connection, and the flag and event it
 * ends gathering with. Its local description carries each candidate as it arrives, as in browsers.
 */
class FakePeer {
  destroyed = false
  _iceComplete = false
  completions = 0
  readonly _pc: EventTarget & { getConfiguration(): RTCConfiguration; localDescription: { sdp: string } }
  constructor(config: RTCConfiguration) {
    this._pc = Object.assign(new EventTarget(), {
      getConfiguration: () => config,
      localDescription: { sdp: 'v=0\r\n' },
    })
  }
  emit(event: string) {
    if (event === '_iceComplete') this.completions++
  }
  candidate(line: string | null) {
    if (line) this._pc.localDescription.sdp += `a=${line}\r\n`
    this._pc.dispatchEvent(
      Object.assign(new Event('icecandidate'), { candidate: line === null ? null : { candidate: line } }),
    )
  }
}

const SETTLE_MS = 5
const { SimplePeer: BundlePeer } = await upstreamClasses('browser')

describe('ending ICE gathering once the candidates that matter have arrived', () => {
  it('knows which kinds of candidate each configuration can yield', () => {
    assert.deepEqual([...awaitedCandidateTypes({})], ['host'])
    assert.deepEqual(
      [...awaitedCandidateTypes({ iceServers: [{ urls: 'stun:stun.example:3478' }] })],
      ['host', 'srflx'],
    )
    const turn = {
      urls: ['turn:relay.example:3478?transport=udp', 'turns:relay.example:5349'],
      username: 'u',
      credential: 'c',
    }
    assert.deepEqual(
      [...awaitedCandidateTypes({ iceServers: [{ urls: 'stun:stun.example' }, turn] })],
      ['host', 'srflx', 'relay'],
    )
    assert.deepEqual([...awaitedCandidateTypes({ iceServers: [turn], iceTransportPolicy: 'relay' })], ['relay'])
    assert.deepEqual(
      [...awaitedCandidateTypes({ iceTransportPolicy: 'relay' })],
      [],
      'relay-only without TURN: nothing to wait for',
    )
  })

  it('reads the type of a candidate line', () => {
    assert.equal(candidateType(HOST), 'host')
    assert.equal(candidateType(SRFLX), 'srflx')
    assert.equal(candidateType(RELAY), 'relay')
    assert.equal(candidateType(''), null)
  })

  it('sends once the host candidates have settled, when there are no ICE servers', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const peer = new FakePeer({ iceServers: [] })
    sendOnceCandidatesArrive(peer, SETTLE_MS)
    peer.candidate(HOST)
    context.mock.timers.tick(1)
    peer.candidate(HOST.replace('192.0.2.2', 'fd00::2'))
    context.mock.timers.tick(SETTLE_MS - 1)
    assert.equal(peer.completions, 0, 'waits for more interfaces to report')
    context.mock.timers.tick(1)
    assert.equal(peer.completions, 1)
    assert.equal(peer._iceComplete, true)
  })

  it('waits for a server-reflexive candidate when a STUN server is set, and a relayed one when TURN is', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const peer = new FakePeer({
      iceServers: [{ urls: 'stun:stun.example' }, { urls: 'turn:relay.example', username: 'u', credential: 'c' }],
    })
    sendOnceCandidatesArrive(peer, SETTLE_MS)
    peer.candidate(HOST)
    peer.candidate(SRFLX)
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(peer.completions, 0, 'the relayed candidate is still to come')
    peer.candidate(RELAY)
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(peer.completions, 1)
  })

  it('relay-only: sends with the relayed candidate alone', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const peer = new FakePeer({
      iceServers: [{ urls: 'turn:relay.example', username: 'u', credential: 'c' }],
      iceTransportPolicy: 'relay',
    })
    sendOnceCandidatesArrive(peer, SETTLE_MS)
    peer.candidate(RELAY)
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(peer.completions, 1)
  })

  it('leaves the end to the browser when gathering completes first, or the peer is gone', (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const completed = new FakePeer({})
    sendOnceCandidatesArrive(completed, SETTLE_MS)
    completed.candidate(HOST)
    completed.candidate(null)
    completed._iceComplete = true // simple-peer's own handling of the end of candidates
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(completed.completions, 0)

    const destroyed = new FakePeer({})
    sendOnceCandidatesArrive(destroyed, SETTLE_MS)
    destroyed.candidate(HOST)
    destroyed.destroyed = true
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(destroyed.completions, 0)
  })

  it("waits for the end where the local description does not carry its candidates yet (Node's WebRTC)", (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const peer = new FakePeer({})
    sendOnceCandidatesArrive(peer, SETTLE_MS)
    peer._pc.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { candidate: HOST } }))
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(peer.completions, 0)
  })

  it("ends the browser bundle's real simple-peer's gathering through its own event", (context) => {
    context.mock.timers.enable({ apis: ['setTimeout'] })
    const fake = new FakePeer({})
    // The class's own methods, with the fields its constructor would set (it would open a connection).
    const peer = Object.assign(Object.create(BundlePeer.prototype) as object, {
      _iceComplete: false,
      _pc: fake._pc,
    }) as unknown as { _iceComplete: boolean; once(event: string, listener: () => void): unknown }
    let ended = 0
    peer.once('_iceComplete', () => ended++)
    sendOnceCandidatesArrive(peer, SETTLE_MS)
    fake.candidate(HOST)
    context.mock.timers.tick(SETTLE_MS)
    assert.equal(ended, 1)
    assert.equal(peer._iceComplete, true)
  })
})
