/** A file picked or dropped by a person, with its path inside the shared folder (if any). */
export type ShareInput = { file: File; path: string }

/**
 * create-torrent reads a file's place in the shared folder from `fullPath`, and both it and webtorrent
 * read the bytes through `stream()`, which is wrapped here to count them: preparing reads every file
 * twice (hashing, then the store write), and the count is the progress a person sees.
 */
export function prepareForSeeding(file: File, path: string, onRead: (bytes: number) => void): File {
  if (path && path !== file.name) Object.defineProperty(file, 'fullPath', { value: path, configurable: true })
  const stream = file.stream.bind(file)
  const counted = () =>
    stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          onRead(chunk.byteLength)
          controller.enqueue(chunk)
        },
      }),
    )
  Object.defineProperty(file, 'stream', { value: counted, configurable: true })
  return file
}
