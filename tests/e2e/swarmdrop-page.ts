import { readFile } from 'node:fs/promises'
import { expect, type Download, type Page } from '@playwright/test'

/** A private link (encrypted, the default) or a public torrent. */
export type ShareKind = 'private' | 'public'

/** What a person does in the app, in the app's own words (buttons, labels), for one browser context. */
export class SwarmdropPage {
  /** Content-Security-Policy violations the browser reported: the app must work under the server's CSP. */
  readonly cspViolations: string[] = []

  constructor(
    readonly page: Page,
    readonly origin: string,
  ) {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.cspViolations.push(message.text())
    })
  }

  async openHome(): Promise<void> {
    await this.page.goto(this.origin + '/')
    await expect(this.page.getByTestId('dropzone')).toBeVisible()
  }

  /** Shares files (or one folder) through the pickers, as a private link unless asked, and returns the share link. */
  async share(paths: string[] | { folder: string }, { as = 'private' }: { as?: ShareKind } = {}): Promise<string> {
    await this.openHome()
    await this.page.getByRole('radio', { name: as === 'private' ? /^Private link/ : /^Public torrent/ }).check()
    if (Array.isArray(paths)) await this.page.getByTestId('file-input').setInputFiles(paths)
    else await this.page.getByTestId('folder-input').setInputFiles(paths.folder)
    const link = this.page.getByTestId('share-link')
    await expect(link).toBeVisible()
    await expect(this.status()).toHaveAttribute('data-status', 'seeding')
    return link.inputValue()
  }

  async open(link: string): Promise<void> {
    await this.page.goto(link)
  }

  async openSettings(): Promise<void> {
    const panel = this.page.getByTestId('settings')
    if (!(await panel.isVisible())) await this.page.getByText('Settings', { exact: true }).click()
    await expect(panel).toBeVisible()
  }

  async setUploadLimit(label: string): Promise<void> {
    await this.openSettings()
    await this.page.getByLabel('Upload limit').selectOption(label)
  }

  async setRelayMode(label: 'Off' | 'Fallback' | 'Relay only'): Promise<void> {
    await this.openSettings()
    await this.page.getByRole('radio', { name: new RegExp(`^${label}\\b`) }).check()
  }

  relayStatus() {
    return this.page.getByTestId('relay-status')
  }

  status() {
    return this.page.getByTestId('status')
  }

  /**
   * The Uploaded figure once it has stopped moving. Live figures refresh once a second,
   * so a single read just after a transfer ends can be a refresh behind.
   */
  async settledUploaded(): Promise<number> {
    const read = async () => Number(await this.page.getByTestId('stat-uploaded').getAttribute('data-value'))
    let last = await read()
    for (;;) {
      await this.page.waitForTimeout(1_500)
      const now = await read()
      if (now === last) return now
      last = now
    }
  }

  async waitUntilDone(timeoutMs = 90_000): Promise<void> {
    await expect(this.status()).toHaveAttribute('data-status', 'done', { timeout: timeoutMs })
  }

  /** Clicks the Save button of one file and returns the saved bytes. */
  async saveFile(name: string): Promise<Uint8Array> {
    return this.bytesOf(this.page.getByRole('button', { name: `Save ${name}`, exact: true }))
  }

  async saveAllAsZip(): Promise<Uint8Array> {
    return this.bytesOf(this.page.getByRole('button', { name: 'Save all as .zip' }))
  }

  private async bytesOf(button: ReturnType<Page['getByRole']>): Promise<Uint8Array> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), button.click()])
    return readDownload(download)
  }
}

export async function readDownload(download: Download): Promise<Uint8Array> {
  const path = await download.path()
  return new Uint8Array(await readFile(path))
}
