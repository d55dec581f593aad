// Upstream modules the contract tests load only to reach their classes (the packages ship no types).
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
