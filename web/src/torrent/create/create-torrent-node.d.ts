/** create-torrent as Node runs it (the hybrid node, webtorrent-cli); only the tests use it directly. */
declare module 'create-torrent' {
  export default function createTorrent(
    input: string | string[],
    options: { pieceLength?: number },
    callback: (err: Error | null, torrent: Uint8Array) => void,
  ): void
}
