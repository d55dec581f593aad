import { join } from 'node:path'
import { expect, randomFile, test, writeTree } from './fixtures.js'

test('a download shows its progress in the tab title, announces milestones, and draws its speed', async ({
  alice,
  bob,
  workDir,
}) => {
  await writeTree(workDir, { 'title.bin': randomFile(6 * 1024 * 1024) })
  await alice.openHome()
  await alice.setUploadLimit('1 MB/s')
  const link = await alice.share([join(workDir, 'title.bin')])
  await expect(alice.page).toHaveTitle('title.bin — Swarmdrop')

  await bob.open(link)
  await expect(bob.page).toHaveTitle(/^\d+% · title\.bin — Swarmdrop$/)
  await expect(bob.page.getByTestId('announcement')).toHaveText('title.bin: 25% downloaded.', { timeout: 30_000 })
  await expect(bob.page.getByTestId('sparkline')).toBeVisible()
  await bob.waitUntilDone()
  await expect(bob.page).toHaveTitle('✓ title.bin — Swarmdrop')
  await expect(bob.page.getByTestId('announcement')).toHaveText('title.bin: Done.')
  // The live figures still refresh every second; a title that says the same is left as it is.
  const titleRewrites = await bob.page.evaluate(async () => {
    let rewrites = 0
    const observer = new MutationObserver((records) => (rewrites += records.length))
    observer.observe(document.querySelector('title')!, { childList: true, characterData: true, subtree: true })
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    observer.disconnect()
    return rewrites
  })
  expect(titleRewrites).toBe(0)
})

test('a receiver that finishes while the sender is there is never told it is the only one with the file', async ({
  alice,
  bob,
  workDir,
}) => {
  await writeTree(workDir, { 'two.bin': randomFile(2 * 1024 * 1024) })
  const link = await alice.share([join(workDir, 'two.bin')])
  // Watch every render: the warning must not show even for a moment (it also moved the page under a
  // person's finger as it went away).
  await bob.page.addInitScript(() => {
    const page = window as unknown as { onlySeederShown: boolean }
    page.onlySeederShown = false
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="only-seeder"]')) page.onlySeederShown = true
    }).observe(document, { childList: true, subtree: true })
  })
  await bob.open(link)
  await bob.waitUntilDone()
  await bob.page.waitForTimeout(1_000)
  expect(await bob.page.evaluate(() => (window as unknown as { onlySeederShown: boolean }).onlySeederShown)).toBe(false)
})

test('closing the only tab that has the whole file asks first; once someone else has it, it does not', async ({
  alice,
  bob,
  workDir,
}) => {
  await writeTree(workDir, { 'only.bin': randomFile(100_000) })
  const link = await alice.share([join(workDir, 'only.bin')])
  await expect(alice.page.getByTestId('only-seeder')).toBeVisible()
  await alice.page.getByTestId('share-link').click() // a person has interacted with the page

  const dialogs: string[] = []
  alice.page.on('dialog', (dialog) => {
    dialogs.push(dialog.type())
    void dialog.dismiss()
  })
  await alice.page.close({ runBeforeUnload: true })
  await expect.poll(() => dialogs).toEqual(['beforeunload'])
  expect(alice.page.isClosed()).toBe(false)

  await bob.open(link)
  await bob.waitUntilDone()
  await bob.page.getByTestId('share-link').click()
  // Bob now has it too, and Alice sees that on their connection at once (the tracker tells her only
  // at her next announce): closing needs no question.
  await expect(alice.page.getByTestId('only-seeder')).toBeHidden({ timeout: 5_000 })
  await expect
    .poll(
      async () => {
        return alice.page.evaluate(() => {
          const event = new Event('beforeunload', { cancelable: true })
          dispatchEvent(event)
          return event.defaultPrevented
        })
      },
      { timeout: 5_000 },
    )
    .toBe(false)
})
