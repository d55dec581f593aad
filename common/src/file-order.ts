/**
 * The order of files in a torrent made from a folder: path segment by segment, each segment by its
 * UTF-8 bytes. It is the order create-torrent reads a folder from disk in (Node lists a directory
 * sorted by bytes, and the walk goes depth first), so the app in any browser, whatever order files
 * were picked or dropped in, the hybrid node and webtorrent-cli all make one torrent, and one swarm,
 * from the same folder.
 */
export function compareFilePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareCodePoints(a[i]!, b[i]!)
    if (order !== 0) return order
  }
  return a.length - b.length
}

/** UTF-8 byte order is code point order; JavaScript's `<` compares UTF-16 units, which differs above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]()
  const right = b[Symbol.iterator]()
  for (;;) {
    const x = left.next()
    const y = right.next()
    if (x.done || y.done) return Number(!x.done) - Number(!y.done)
    const order = x.value.codePointAt(0)! - y.value.codePointAt(0)!
    if (order !== 0) return order
  }
}
