/*
 * A peer whose tab closed does not always close its WebRTC connection: its ICE state turns
 * "disconnected" within seconds, but simple-peer gives up only at "failed", much later. Meanwhile
 * the blocks requested from that peer stay reserved for it (webtorrent has no end game), and a
 * download near its end waits for them: a receiver of four sat at 98-99 % for ~15 s when another
 * left. A connection still disconnected after a short grace is dropped when other peers can take
 * over its blocks. The only peer is kept: ICE may still recover, and there is nobody else to ask.
 */

export const DISCONNECTED_GRACE_MS = 3_000

/** The parts of a simple-peer connection this needs. */
type IcePeer = {
  destroyed: boolean
  on(event: 'iceStateChange', listener: (iceConnectionState: string) => void): unknown
  once(event: 'close', listener: () => void): unknown
  destroy(err?: Error): void
}

/** `othersConnected`: whether the torrent has other peers to ask, read when the grace runs out. */
export function dropWhenDisconnected(
  peer: IcePeer,
  othersConnected: () => boolean,
  graceMs = DISCONNECTED_GRACE_MS,
): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const cancel = () => {
    if (timer) clearTimeout(timer)
    timer = null
  }
  peer.on('iceStateChange', (state) => {
    if (state !== 'disconnected') return cancel()
    timer ??= setTimeout(() => {
      timer = null
      if (!peer.destroyed && othersConnected())
        peer.destroy(new Error(`The peer stopped answering for ${graceMs / 1000} s.`))
    }, graceMs)
  })
  peer.once('close', cancel)
}
