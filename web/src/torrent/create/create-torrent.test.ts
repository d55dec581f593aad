import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { describe, it } from 'node:test'
import bencode from 'bencode'
import { SEALED_TORRENT_NAME, sealedSource } from '@swarmdrop/common'
import { publicContent, sealedContent } from './content.js'
import { createTorrent, inlineHasher } from './create-torrent.js'
import { planHashJobs } from './hash-pieces.js'
import { planLayout } from './layout.js'

const file = (bytes: Uint8Array<ArrayBuffer>, name: string) => new File([bytes], name)
const sha1 = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest()
const text = (value: unknown) => new TextDecoder().decode(value as Uint8Array)

type Info = {
  name: Uint8Array
  'piece length': number
  pieces: Uint8Array
  length?: number
  files?: Array<{ length: number; path: Uint8Array[] }>
}

describe('planLayout', () => {
  it('names one loose file after itself', () => {
    const layout = planLayout([{ file: file(new Uint8Array(5), 'a.bin'), path: 'a.bin' }])
    assert.ok(layout.ok)
    assert.deepEqual(
      { name: layout.value.name, single: layout.value.single, length: layout.value.length },
      { name: 'a.bin', single: true, length: 5 },
    )
  })

  it('lists a folder relative to it, named after it, without hidden or junk files', () => {
    const inputs = [
      'photos/a.jpg',
      'photos/trip/b.jpg',
      'photos/.DS_Store',
      'photos/trip/Thumbs.db',
      'photos/.git/config',
    ].map((path) => ({ file: file(new Uint8Array(3), path.split('/').pop()!), path }))
    const layout = planLayout(inputs)
    assert.ok(layout.ok)
    assert.equal(layout.value.name, 'photos')
    assert.deepEqual(
      layout.value.files.map((f) => f.path),
      [['a.jpg'], ['trip', 'b.jpg']],
    )
  })

  it('keeps loose files at the top under the given name', () => {
    const layout = planLayout(
      [
        { file: file(new Uint8Array(1), 'a'), path: 'a' },
        { file: file(new Uint8Array(1), 'b'), path: 'b' },
      ],
      '2 files',
    )
    assert.ok(layout.ok)
    assert.deepEqual(
      [layout.value.name, layout.value.single, layout.value.files.map((f) => f.path)],
      ['2 files', false, [['a'], ['b']]],
    )
  })

  it('refuses nothing, empty files and paths that climb out', () => {
    assert.equal(planLayout([]).ok, false)
    assert.match((planLayout([{ file: file(new Uint8Array(0), 'e'), path: 'e' }]) as { error: string }).error, /empty/)
    assert.equal(planLayout([{ file: file(new Uint8Array(1), 'x'), path: 'a/../../x' }]).ok, false)
  })
})

describe('createTorrent', () => {
  it('hashes every piece, across file boundaries, into a torrent whose info hash is the SHA-1 of its info', async () => {
    const parts = [randomBytes(40_000), randomBytes(1), randomBytes(70_000)]
    const layout = planLayout(parts.map((bytes, i) => ({ file: file(bytes, `f${i}`), path: `dir/f${i}` })))
    assert.ok(layout.ok)
    const progress: number[] = []
    const created = await createTorrent(publicContent(layout.value), {
      announce: ['ws://127.0.0.1:1/announce'],
      hasher: inlineHasher,
      onProgress: (done) => progress.push(done),
    })

    const torrent = bencode.decode(created.torrentFile) as {
      info: Info
      announce: Uint8Array
      'announce-list': Uint8Array[][]
    }
    assert.equal(created.infoHash, sha1(bencode.encode(torrent.info)).toString('hex'))
    assert.equal(text(torrent.announce), 'ws://127.0.0.1:1/announce')
    assert.equal(text(torrent.info.name), 'dir')
    assert.deepEqual(
      torrent.info.files!.map((f) => [f.length, f.path.map(text)]),
      [
        [40_000, ['f0']],
        [1, ['f1']],
        [70_000, ['f2']],
      ],
    )
    const all = Buffer.concat(parts)
    const pieceLength = torrent.info['piece length']
    const expected = Buffer.concat(
      Array.from({ length: Math.ceil(all.length / pieceLength) }, (_, i) =>
        sha1(all.subarray(i * pieceLength, (i + 1) * pieceLength)),
      ),
    )
    assert.deepEqual(Buffer.from(torrent.info.pieces), expected)
    assert.equal(progress.at(-1), all.length)
  })

  it('splits large torrents into piece-aligned jobs that cover every byte once', () => {
    const pieceLength = 1024 * 1024
    const jobs = planHashJobs(40 * pieceLength + 8, pieceLength)
    assert.deepEqual(
      jobs.map((job) => [job.firstPiece, job.end - job.start]),
      [
        [0, 16 * pieceLength],
        [16, 16 * pieceLength],
        [32, 8 * pieceLength + 8],
      ],
    )
  })

  it('explains a failed read', async () => {
    const layout = planLayout([{ file: file(new Uint8Array(10), 'gone.bin'), path: 'gone.bin' }])
    assert.ok(layout.ok)
    const failing = { hash: () => Promise.reject(new Error('NotReadableError')), close: () => {} }
    await assert.rejects(
      createTorrent(publicContent(layout.value), { announce: [], hasher: failing }),
      /could not be read \(NotReadableError\)/,
    )
  })
})

describe('private shares', () => {
  it('make a torrent of one file of records under the one name every private share has, with no date and no plaintext', async () => {
    const marker = 'SECRET-NAME-MARKER'
    const layout = planLayout([
      {
        file: new File([new TextEncoder().encode(`${marker} body`)], `${marker}.txt`, { type: 'text/plain' }),
        path: `${marker}/${marker}.txt`,
      },
      { file: file(randomBytes(70_000), 'b.bin'), path: `${marker}/b.bin` },
    ])
    assert.ok(layout.ok)
    const content = sealedContent(layout.value, new Uint8Array(16).fill(7), new Uint8Array(16).fill(9))
    const created = await createTorrent(content, { announce: [], hasher: inlineHasher, createdAtS: null })
    assert.equal(Buffer.from(created.torrentFile).includes(Buffer.from(marker)), false)
    const torrent = bencode.decode(created.torrentFile) as { info: Info; 'creation date'?: number }
    assert.equal(text(torrent.info.name), SEALED_TORRENT_NAME)
    assert.equal(torrent['creation date'], undefined)
    assert.equal(torrent.info.length, content.length)
    assert.ok(content.source.kind === 'sealed')
    const records = await (await sealedSource(content.source.spec)).read(0, content.length)
    assert.equal(Buffer.from(records).includes(Buffer.from(marker)), false)
    const pieceLength = torrent.info['piece length']
    const expected = Buffer.concat(
      Array.from({ length: Math.ceil(records.length / pieceLength) }, (_, i) =>
        sha1(records.subarray(i * pieceLength, (i + 1) * pieceLength)),
      ),
    )
    assert.deepEqual(Buffer.from(torrent.info.pieces), expected)
  })
})
