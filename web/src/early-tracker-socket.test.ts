import assert from 'node:assert/strict'
import { it } from 'node:test'
import { originTrackerUrl } from '@swarmdrop/common'
import { earlyTrackerUrl, isShareFragment } from './early-tracker-socket'

it("opens the very socket the app's tracker client asks for", () => {
  for (const origin of ['http://127.0.0.1:8080', 'https://swarmdrop.example', 'http://[::1]:3000'])
    assert.equal(earlyTrackerUrl(origin), originTrackerUrl(origin))
})

it('opens it on share links only', () => {
  assert.equal(isShareFragment('#h=0123456789abcdef0123456789abcdef01234567&k=abc'), true)
  assert.equal(isShareFragment('#dn=x&h=0123'), true)
  for (const hash of ['', '#', '#settings', '#oh=1', '#dn=h=x']) assert.equal(isShareFragment(hash), false, hash)
})
