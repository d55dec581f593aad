import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { safeRelativePath } from './torrent-path.js'

describe('torrent paths', () => {
  it('keeps ordinary nested paths, Unicode and spaces', () => {
    assert.equal(safeRelativePath('photos/été 2026/a b.jpg'), 'photos/été 2026/a b.jpg')
  })

  it('never climbs out or becomes absolute', () => {
    assert.equal(safeRelativePath('../../etc/passwd'), 'etc/passwd')
    assert.equal(safeRelativePath('/etc/passwd'), 'etc/passwd')
    assert.equal(safeRelativePath('a/./b/../c'), 'a/b/c')
    assert.equal(safeRelativePath('C:\\Windows\\system.ini'), 'Windows/system.ini')
    assert.equal(safeRelativePath('..\\..\\x'), 'x')
    assert.equal(safeRelativePath('../..'), 'file')
  })
})
