import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isPlayable, mediaKindOf } from './media.js'

describe('media kinds', () => {
  it('knows common video, audio, image, pdf and text files, whatever the case', () => {
    assert.equal(mediaKindOf('a/b/Movie.WEBM'), 'video')
    assert.equal(mediaKindOf('song.opus'), 'audio')
    assert.equal(mediaKindOf('photo 1.jpeg'), 'image')
    assert.equal(mediaKindOf('paper.pdf'), 'pdf')
    assert.equal(mediaKindOf('notes.txt'), 'text')
  })

  it('shows nothing inline for other or extension-less files', () => {
    assert.equal(mediaKindOf('archive.zip'), null)
    assert.equal(mediaKindOf('README'), null)
    assert.equal(mediaKindOf('.webm.exe'), null)
  })

  it('plays only video and audio', () => {
    assert.equal(isPlayable('video'), true)
    assert.equal(isPlayable('audio'), true)
    assert.equal(isPlayable('image'), false)
    assert.equal(isPlayable(null), false)
  })
})
