import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { openAsBlob } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import bencode from 'bencode'
import createTorrentInNode from 'create-torrent'
import { pieceLengthFor } from '@swarmdrop/common'
import { publicContent } from './content.js'
import { createTorrent, inlineHasher } from './create-torrent.js'
import { planLayout } from './layout.js'

// Names whose order differs between byte order, UTF-16 order, locale order and "whole path" order.
const FOLDER = 'Ferien 2026'
const FILES = [
  'b.txt',
  'a-c.txt',
  'a/z.bin',
  'a/B.bin',
  'a/sub/deep.txt',
  'Z.txt',
  'é.txt',
  '\uFF21.txt',
  '\u{1F600}.txt',
  'a b.txt',
]
const LEFT_OUT = ['.DS_Store', 'a/Thumbs.db', '.git/config']

describe('one folder, one torrent', async () => {
  const root = await mkdtemp(join(tmpdir(), 'swarmdrop-order-'))
  after(() => rm(root, { recursive: true, force: true }))
  for (const path of [...FILES, ...LEFT_OUT]) {
    await mkdir(dirname(join(root, FOLDER, path)), { recursive: true })
    await writeFile(join(root, FOLDER, path), randomBytes(1000 + Math.floor(Math.random() * 40_000)))
  }
  const inputs = await Promise.all(
    [...FILES, ...LEFT_OUT].map(async (path) => ({
      file: new File([await openAsBlob(join(root, FOLDER, path))], path.split('/').pop()!),
      path: `${FOLDER}/${path}`,
    })),
  )

  const appInfoHash = async (order: typeof inputs): Promise<string> => {
    const layout = planLayout(order)
    assert.ok(layout.ok)
    return (await createTorrent(publicContent(layout.value), { announce: [], hasher: inlineHasher })).infoHash
  }

  it('is the torrent create-torrent makes in Node (the hybrid node, webtorrent-cli), whatever order the files come in', async () => {
    const total = inputs
      .filter((input) => FILES.includes(input.path.slice(FOLDER.length + 1)))
      .reduce((sum, input) => sum + input.file.size, 0)
    const torrent = await new Promise<Uint8Array>((resolve, reject) =>
      createTorrentInNode(join(root, FOLDER), { pieceLength: pieceLengthFor(total) }, (err, file) =>
        err ? reject(err) : resolve(file),
      ),
    )
    const { info } = bencode.decode(torrent) as { info: unknown }
    const expected = createHash('sha1').update(bencode.encode(info)).digest('hex')

    assert.equal(await appInfoHash(inputs), expected)
    assert.equal(await appInfoHash([...inputs].reverse()), expected)
    const shuffled = [...inputs].sort(() => Math.random() - 0.5)
    assert.equal(await appInfoHash(shuffled), expected)
  })
})
