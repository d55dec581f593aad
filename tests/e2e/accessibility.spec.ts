import { join } from 'node:path'
import { seriousViolations } from './axe.js'
import { expect, randomFile, test, writeTree } from './fixtures.js'

for (const colorScheme of ['light', 'dark'] as const) {
  test(`no serious accessibility violations on the home, share, receive and settings views (${colorScheme})`, async ({
    alice,
    bob,
    workDir,
    browserName,
  }) => {
    // The markup is the same in every browser. In Firefox ESR 153, axe-core run on the share view (axe alone,
    // several of its rules) crashes the content process, and colour schemes cannot be emulated per page.
    test.skip(browserName === 'firefox', 'axe-core crashes Firefox ESR 153 content processes on the share view')
    for (const person of [alice, bob]) await person.page.emulateMedia({ colorScheme })
    await writeTree(workDir, { 'report.pdf': randomFile(50_000), 'notes.txt': new TextEncoder().encode('hello') })

    await alice.openHome()
    expect(await seriousViolations(alice.page), 'home').toEqual([])

    const link = await alice.share([join(workDir, 'report.pdf'), join(workDir, 'notes.txt')])
    expect(await seriousViolations(alice.page), 'share').toEqual([])

    await bob.open(link)
    await bob.waitUntilDone()
    expect(await seriousViolations(bob.page), 'receive').toEqual([])

    await bob.openSettings()
    expect(await seriousViolations(bob.page), 'settings').toEqual([])
  })
}
