import { join } from 'node:path'
import { expect, test, writeTree } from './fixtures.js'

const UNKNOWN_HASH = 'c0ffee0000000000000000000000000000000000'

test('a truncated link shows a clear error and the app keeps working', async ({ bob }) => {
  await bob.open(`${bob.origin}/#h=${UNKNOWN_HASH.slice(0, 22)}`)
  await expect(bob.page.getByTestId('link-error')).toContainText('damaged or incomplete')
  await bob.page.getByRole('button', { name: 'Share or open something else' }).click()
  await expect(bob.page.getByTestId('dropzone')).toBeVisible()
})

test('a link nobody is sharing says the sender is offline and keeps waiting', async ({ bob }) => {
  await bob.open(`${bob.origin}/#h=${UNKNOWN_HASH}&dn=holiday.mp4`)
  await expect(bob.page.getByRole('heading', { name: 'holiday.mp4' })).toBeVisible()
  await expect(bob.status()).toHaveAttribute('data-status', 'sender-offline')
  await expect(bob.page.getByTestId('library-item')).toContainText('holiday.mp4')
})

test('a pasted magnet link opens its download; pasted garbage is refused', async ({ bob }) => {
  await bob.openHome()
  await bob.paste(`magnet:?xt=urn:btih:${UNKNOWN_HASH}&dn=pasted.bin`)
  await expect(bob.page.getByTestId('torrent-name')).toHaveText('pasted.bin')

  await bob.openHome()
  await bob.page.getByLabel('Got a link? Open it here').pressSequentially('magnet:?xt=urn:btih:nope')
  await bob.page.getByRole('button', { name: 'Open', exact: true }).click()
  await expect(bob.page.getByTestId('notice')).toContainText('info hash is invalid')
})

test('a corrupt .torrent file gets a clear message', async ({ bob, workDir }) => {
  await writeTree(workDir, { 'broken.torrent': new TextEncoder().encode('d8:announce3:abc4:infoi1ee-not-bencode') })
  await bob.openHome()
  await bob.page.getByTestId('torrent-input').setInputFiles(join(workDir, 'broken.torrent'))
  await expect(bob.page.getByTestId('notice')).toContainText('"broken.torrent" could not be opened')
  await expect(bob.page.getByTestId('dropzone')).toBeVisible()
})

test('when the torrent engine cannot load, opening a link says to reload, and a reload works', async ({ bob }) => {
  await bob.page.route('**/assets/webtorrent*.js', (route) => route.abort('connectionfailed'))
  await bob.open(`${bob.origin}/#h=${UNKNOWN_HASH}&dn=holiday.mp4`)
  await expect(bob.page.getByRole('alert')).toContainText('could not be loaded')
  await expect(bob.page.getByRole('alert')).toContainText('reload the page')
  await bob.page.unroute('**/assets/webtorrent*.js')
  await bob.page.getByRole('button', { name: 'Reload' }).click()
  await expect(bob.status()).toHaveAttribute('data-status', 'sender-offline')
})
