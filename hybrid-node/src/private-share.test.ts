import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import bencode from 'bencode'
import { openSealedShare } from '@swarmdrop/common'
import { HybridNode } from './bridge.js'
import { sealFiles, writePlainFiles } from './private-share.js'

describe('private shares in the hybrid node', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'swarmdrop-private-'))
    await mkdir(join(dir, 'Trip', 'day 1'), { recursive: true })
    await writeFile(join(dir, 'Trip', 'notes.txt'), 'MARKER notes')
    await writeFile(join(dir, 'Trip', 'day 1', 'photo.bin'), Buffer.alloc(200_000, 3))
    await writeFile(join(dir, 'Trip', '.DS_Store'), 'junk')
  })
  after(() => rm(dir, { recursive: true, force: true }))

  it('seals a folder as the app would, opens it with its key and writes the plain files back', async () => {
    const sealed = await sealFiles([join(dir, 'Trip')], join(dir, 'sealed'))
    assert.deepEqual(
      sealed.manifest.files.map((file) => file.path.join('/')),
      ['day 1/photo.bin', 'notes.txt'],
    )
    const records = await readFile(sealed.path)
    assert.equal(records.includes(Buffer.from('MARKER')), false)
    const opened = await openSealedShare(sealed.secret, records.length, async (start, end) =>
      records.subarray(start, end),
    )
    assert.ok(opened.ok)
    const out = join(dir, 'out')
    await writePlainFiles(opened.value, sealed.path, out)
    assert.equal(await readFile(join(out, 'Trip', 'notes.txt'), 'utf8'), 'MARKER notes')
    assert.deepEqual(await readFile(join(out, 'Trip', 'day 1', 'photo.bin')), Buffer.alloc(200_000, 3))
  })

  it('seeds a private share’s records with no date and no client in the .torrent', async () => {
    const sealed = await sealFiles([join(dir, 'Trip', 'notes.txt')], join(dir, 'sealed-one'))
    const node = new HybridNode({ trackers: [], dht: false, utp: false })
    try {
      const torrent = await node.seed([sealed.path], { undated: true })
      const decoded = bencode.decode(torrent.torrentFile) as { 'creation date': number; 'created by': Uint8Array }
      assert.equal(decoded['creation date'], 1)
      assert.equal(new TextDecoder().decode(decoded['created by']), 'Swarmdrop')
      assert.equal(Buffer.from(torrent.torrentFile).includes(Buffer.from('notes')), false)
    } finally {
      await node.destroy()
    }
  })
})
