import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compareFilePaths } from './file-order.js'

describe('compareFilePaths', () => {
  it('orders segment by segment, by UTF-8 bytes, as Node lists a folder', () => {
    const paths = [['a-c'], ['a', 'b'], ['B'], ['a'], ['é'], ['\u{1F600}'], ['\uFF21'], ['a', 'B', 'c'], ['Z']]
    const sorted = [...paths].sort(compareFilePaths)
    assert.deepEqual(sorted, [
      ['B'],
      ['Z'],
      ['a'],
      ['a', 'B', 'c'],
      ['a', 'b'],
      ['a-c'],
      ['é'],
      ['\uFF21'],
      ['\u{1F600}'],
    ])
    const bytes = (path: string[]) => Buffer.from(path.join('\0'))
    assert.deepEqual(
      sorted,
      [...paths].sort((x, y) => Buffer.compare(bytes(x), bytes(y))),
    )
  })
})
