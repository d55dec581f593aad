// Upstream modules that ship no types: classes the contract tests reach, and small helpers webtorrent itself uses.
declare module '@thaunknown/simple-peer/lite.js' {
  const SimplePeer: new (options?: object) => object
  export default SimplePeer
}
declare module 'bittorrent-tracker/websocket-tracker' {
  const WebSocketTracker: new (client: object, announceUrl: string) => object
  export default WebSocketTracker
}
declare module 'webtorrent/lib/rarity-map.js' {
  const RarityMap: new (torrent: object) => object
  export default RarityMap
}
declare module 'webtorrent/lib/torrent.js' {
  const Torrent: new (torrentId: unknown, client: object, opts?: object) => object
  export default Torrent
}
declare module 'bittorrent-protocol' {
  const Wire: new () => object
  export default Wire
}
declare module 'torrent-piece' {
  const Piece: new (length: number) => object
  export default Piece
}
declare module 'ut_metadata' {
  const utMetadata: (metadata?: Uint8Array) => unknown
  export default utMetadata
}
declare module 'addr-to-ip-port' {
  /** "host:port" or "[v6]:port" as [host, port]; throws on anything else (webtorrent's own parser). */
  const addrToIPPort: (addr: string) => [string, number]
  export default addrToIPPort
}
