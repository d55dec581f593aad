/**
 * The peers of one torrent on the WebSocket tracker. Peers live in a map (for answers, by peer ID)
 * and a dense array (for picking random offer targets in O(offers), whatever the swarm's size).
 * `C` is the connection a peer is reached through.
 */
export type Peer<C> = { readonly id: string; connection: C; complete: boolean; index: number }

export class Swarm<C> {
  complete = 0
  private readonly byId = new Map<string, Peer<C>>()
  private readonly list: Peer<C>[] = []

  get size(): number {
    return this.list.length
  }

  get incomplete(): number {
    return this.list.length - this.complete
  }

  peers(): readonly Peer<C>[] {
    return this.list
  }

  get(peerId: string): Peer<C> | undefined {
    return this.byId.get(peerId)
  }

  /** Adds or refreshes a peer; a peer ID announced over another connection moves to it (a reconnect). */
  upsert(peerId: string, connection: C, complete: boolean): { peer: Peer<C>; movedFrom: C | null } {
    let peer = this.byId.get(peerId)
    let movedFrom: C | null = null
    if (!peer) {
      peer = { id: peerId, connection, complete: false, index: this.list.length }
      this.byId.set(peerId, peer)
      this.list.push(peer)
    } else if (peer.connection !== connection) {
      movedFrom = peer.connection
      peer.connection = connection
    }
    if (complete && !peer.complete) {
      peer.complete = true
      this.complete++
    }
    return { peer, movedFrom }
  }

  remove(peerId: string): void {
    const peer = this.byId.get(peerId)
    if (!peer) return
    this.byId.delete(peerId)
    if (peer.complete) this.complete--
    const last = this.list.pop()!
    if (last !== peer) {
      this.list[peer.index] = last
      last.index = peer.index
    }
  }

  /** Up to `count` distinct random peers other than `exclude`. */
  sample(count: number, exclude: Peer<C>, random: () => number = Math.random): Peer<C>[] {
    const others = this.list.length - 1
    if (count <= 0 || others <= 0) return []
    if (others <= count) return this.list.filter((peer) => peer !== exclude)
    const picked = new Set<Peer<C>>()
    // Rejection sampling: with count < others, a few extra draws at most.
    while (picked.size < count) {
      const peer = this.list[Math.floor(random() * this.list.length)]!
      if (peer !== exclude) picked.add(peer)
    }
    return [...picked]
  }
}
