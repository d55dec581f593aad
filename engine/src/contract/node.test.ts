import assert from 'node:assert/strict'
import { it } from 'node:test'
import { NODE_CLASSES } from './classes.js'
import { describeContract } from './describe-contract.js'

describeContract('node', (swarm) => {
  it('runs the very classes the behaviour tests import', () => {
    const { classes } = swarm()
    for (const name of Object.keys(NODE_CLASSES) as Array<keyof typeof NODE_CLASSES>)
      assert.equal(classes[name], NODE_CLASSES[name], name)
  })
})
