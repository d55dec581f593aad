import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { OfferLedger } from './offer-ledger.js'

describe('OfferLedger', () => {
  it('accepts one answer per recorded offer, and forgets the oldest past 32', () => {
    const ledger = new OfferLedger()
    assert.equal(ledger.take('never made'), false)
    for (let i = 0; i < 40; i++) ledger.record(`offer-${i}`)
    assert.equal(ledger.take('offer-39'), true)
    assert.equal(ledger.take('offer-39'), false)
    assert.equal(ledger.take('offer-8'), true)
    assert.equal(ledger.take('offer-7'), false, 'pushed out by newer offers')
    assert.equal(ledger.take('offer-99'), false)
  })
})
