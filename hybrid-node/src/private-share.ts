import { createReadStream, createWriteStream, openAsBlob } from 'node:fs'
import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import {
  compareFilePaths,
  decryptFileRange,
  isLeftOutOfFolders,
  manifestFilePath,
  openSealedShare,
  randomSalt,
  randomSecret,
  recordsOfRange,
  SEALED_TORRENT_NAME,
  sealedSource,
  sealedSpec,
  type SealedManifest,
  type SealedShare,
} from '@swarmdrop/common'
import type { Torrent } from 'webtorrent'

/*
 * Private shares in Node, with the same record format as the app (common/src/sealed, WebCrypto as
 * Node provides it): sealing files into a share's one file of records, opening a downloaded share
 * with its key, and writing its files out in plain.
 */

/** Bytes sealed and written at once. */
const WRITE_BYTES = 16 * 1024 * 1024

/** A torrent whose single file is a private share's records. */
export const isPrivateShare = (torrent: Torrent): boolean =>
  torrent.name === SEALED_TORRENT_NAME && torrent.files.length === 1

/**
 * Seals files or folders into `<dir>/swarmdrop-private-share`, ready to seed, with a fresh key. The
 * share is named and laid out as the app would: one file or one folder keeps its name, loose files
 * are "N files"; hidden and junk files inside folders are left out.
 */
export async function sealFiles(
  paths: string[],
  dir: string,
): Promise<{ path: string; secret: Uint8Array; manifest: SealedManifest }> {
  const files: Array<{ path: string[]; file: string }> = []
  for (const input of paths) {
    const info = await stat(input)
    if (!info.isDirectory()) files.push({ path: [basename(input)], file: input })
    else
      for (const file of await filesUnder(input))
        files.push({ path: [basename(input), ...relative(input, file).split(sep)], file })
  }
  if (files.length === 0) throw new Error('Nothing to share: no files were given.')
  const [first] = files as [(typeof files)[number]]
  const oneFolder = paths.length === 1 && first.path.length > 1
  const name = oneFolder ? first.path[0]! : files.length === 1 ? first.path[0]! : `${files.length} files`
  const listed = oneFolder ? files.map((entry) => ({ ...entry, path: entry.path.slice(1) })) : files
  const blobs = await Promise.all(listed.map((entry) => openAsBlob(entry.file)))
  const manifest: SealedManifest = {
    name,
    files: listed.map((entry, i) => ({ path: entry.path, length: blobs[i]!.size, type: '' })),
  }
  const secret = randomSecret()
  const source = await sealedSource(sealedSpec(secret, randomSalt(), manifest, blobs))
  await mkdir(dir, { recursive: true })
  const path = join(dir, SEALED_TORRENT_NAME)
  const handle = await open(path, 'w')
  try {
    for (let start = 0; start < source.size; start += WRITE_BYTES)
      await handle.write(await source.read(start, start + WRITE_BYTES))
  } finally {
    await handle.close()
  }
  return { path, secret, manifest }
}

/** Opens a private share from its torrent (its first records come first); throws a readable error. */
export async function openPrivateShare(torrent: Torrent, secret: Uint8Array): Promise<SealedShare> {
  const records = torrent.files[0]!
  const read = async (start: number, end: number) => new Uint8Array(await records.arrayBuffer({ start, end: end - 1 }))
  const opened = await openSealedShare(secret, records.length, read)
  if (!opened.ok) throw new Error(opened.error)
  return opened.value
}

/**
 * Decrypts every file of a downloaded share from its records on disk into `root`, where a public
 * torrent of the same files would put them. Every record is authenticated before a byte is written.
 */
export async function writePlainFiles(share: SealedShare, recordsPath: string, root: string): Promise<string[]> {
  const written: string[] = []
  for (const [index, file] of share.manifest.files.entries()) {
    const segments = manifestFilePath(share.manifest, index)
    const target = resolve(root, ...segments)
    if (!target.startsWith(resolve(root) + sep))
      throw new Error(`Refusing a path outside the output folder: ${segments.join('/')}`)
    await mkdir(dirname(target), { recursive: true })
    if (file.length === 0) await writeFile(target, new Uint8Array(0))
    else {
      const { cipherStart, cipherEnd } = recordsOfRange(share.plan.files[index]!, 0, file.length - 1)
      const ciphertext = createReadStream(recordsPath, {
        start: cipherStart,
        end: cipherEnd,
        highWaterMark: 1024 * 1024,
      })
      await pipeline(decryptFileRange(share, index, 0, file.length - 1, ciphertext), createWriteStream(target))
    }
    written.push(target)
  }
  return written
}

/** Files under a folder, sorted, leaving out what create-torrent leaves out. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = (await readdir(folder, { withFileTypes: true }))
    .filter((entry) => !isLeftOutOfFolders(entry.name))
    .sort((a, b) => compareFilePaths([a.name], [b.name]))
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)])),
  )
  return nested.flat()
}
