import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isLeftOutOfFolders } from './junk-files.js'

describe('files left out of shared folders', () => {
  it('are hidden ones and the junk operating systems leave, as create-torrent decides for a folder on disk', () => {
    assert.deepEqual(
      ['.DS_Store', '._photo.jpg', '.git', '.gitignore', 'Thumbs.db', 'desktop.ini', 'notes.txt~'].map(
        isLeftOutOfFolders,
      ),
      [true, true, true, true, true, true, true],
    )
    assert.deepEqual(['photo.jpg', 'notes.txt', 'a.b.c'].map(isLeftOutOfFolders), [false, false, false])
  })
})
