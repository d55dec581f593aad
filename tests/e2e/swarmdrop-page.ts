import { readdir, readFile } from 'node:fs/promises'
import { basename, join, relative } from 'node:path'
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

  /** Lets the page use the clipboard (Firefox allows it through a test preference set at launch). */
  async allowClipboard(): Promise<void> {
    if (this.browserName() === 'chromium') {
      await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
    }
  }

  async clipboardText(): Promise<string> {
    return this.page.evaluate(() => navigator.clipboard.readText())
  }

  /** Pastes text on the page as a person does: into the clipboard, then Ctrl+V outside any field. */
  async paste(text: string): Promise<void> {
    await this.allowClipboard()
    await this.page.bringToFront()
    await this.page.evaluate((text) => navigator.clipboard.writeText(text), text)
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
    await this.page.keyboard.press('Control+V')
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
    else if (this.browserName() === 'firefox') await this.dropFolder(paths.folder)
    else await this.page.getByTestId('folder-input').setInputFiles(paths.folder)
    const link = this.page.getByTestId('share-link')
    await expect(link).toBeVisible()
    await expect(this.status()).toHaveAttribute('data-status', 'seeding')
    return link.inputValue()
  }

  /**
   * Collects everything this person's browser sends to a server: request URLs and headers, and WebSocket
   * messages. Firefox's automation reports no WebSocket frames, so there the page's sends are recorded.
   */
  async recordSent(sink: string[]): Promise<void> {
    this.page.context().on('request', (request) => sink.push(request.url(), ...Object.values(request.headers())))
    if (this.browserName() !== 'firefox') {
      this.page.on('websocket', (socket) => socket.on('framesent', ({ payload }) => sink.push(String(payload))))
      return
    }
    await this.page.exposeFunction('__swarmdropSent', (text: string) => void sink.push(text))
    await this.page.addInitScript(() => {
      const send = WebSocket.prototype.send
      WebSocket.prototype.send = function (data) {
        void (window as unknown as { __swarmdropSent: (text: string) => void }).__swarmdropSent(String(data))
        send.call(this, data)
      }
    })
  }

  browserName(): string | undefined {
    return this.page.context().browser()?.browserType().name()
  }

  /**
   * Drops a folder on the page, as a person drags one from their file manager. Firefox's automation cannot
   * set a folder on an input (BiDi input.setFiles refuses directories), so the folder's real files are put on
   * a scratch input of the test's own and handed to the app's drop handler behind the File and Directory
   * Entries API it walks, with the folder's paths.
   */
  async dropFolder(folder: string): Promise<void> {
    const files = (await readdir(folder, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile())
    const paths = files.map((entry) => join(entry.parentPath, entry.name))
    const relativePaths = paths.map((path) => [basename(folder), ...relative(folder, path).split('/')].join('/'))
    const scratch = await this.page.evaluateHandle(() => {
      const input = document.createElement('input')
      input.type = 'file'
      input.multiple = true
      return input
    })
    await scratch.setInputFiles(paths)
    await scratch.evaluate((input, relativePaths) => {
      type Entry = { isFile: boolean; isDirectory: boolean; name: string; fullPath: string }
      const root = { children: new Map<string, unknown>() }
      ;[...input.files!].forEach((file, index) => {
        const parts = relativePaths[index]!.split('/')
        let folder = root
        for (const part of parts.slice(0, -1)) {
          if (!folder.children.has(part)) folder.children.set(part, { children: new Map() })
          folder = folder.children.get(part) as typeof root
        }
        folder.children.set(parts.at(-1)!, file)
      })
      const entryOf = (node: unknown, fullPath: string): Entry => {
        const name = fullPath.split('/').at(-1)!
        if (node instanceof File)
          return {
            isFile: true,
            isDirectory: false,
            name,
            fullPath,
            file: (done: (file: File) => void) => done(node),
          } as Entry
        const children = [...(node as typeof root).children].map(([child, value]) =>
          entryOf(value, `${fullPath}/${child}`),
        )
        const createReader = () => {
          let read = false
          return { readEntries: (done: (entries: Entry[]) => void) => done(read ? [] : ((read = true), children)) }
        }
        return { isFile: false, isDirectory: true, name, fullPath, createReader } as Entry
      }
      const [top, tree] = [...root.children][0]!
      const item = { kind: 'file', webkitGetAsEntry: () => entryOf(tree, `/${top}`) }
      const dataTransfer = { items: [item], files: [], types: ['Files'], dropEffect: 'copy' }
      const target = document.querySelector('.topbar')!
      for (const type of ['dragenter', 'dragover', 'drop']) {
        const event = new DragEvent(type, { bubbles: true, cancelable: true })
        Object.defineProperty(event, 'dataTransfer', { value: dataTransfer })
        target.dispatchEvent(event)
      }
    }, relativePaths)
  }

  async open(link: string): Promise<void> {
    await this.page.goto(link)
  }

  /**
   * Makes the current share go on after a reload, as a person would in this browser: nothing to do
   * where the browser keeps a reference to the files (Chromium); elsewhere, keep a copy.
   */
  async keepAfterReloads(): Promise<void> {
    if ((await this.page.getByTestId('keep').count()) === 0) return
    await this.page.getByRole('button', { name: 'Keep sharing after reloads' }).click()
    await expect(this.page.getByTestId('keep')).toHaveAttribute('data-kept', 'copy')
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

  /** The download's progress in percent, as the piece map shows it. */
  progressPercent(): Promise<number> {
    return this.page.getByTestId('piece-map').getAttribute('aria-valuenow').then(Number)
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

  /**
   * Firefox now and then saves a file without its automation reporting the download (no
   * downloadWillBegin, about one save in twelve here): there a save not reported within 20 s is asked
   * for again, instead of waiting out the test.
   */
  private async bytesOf(button: ReturnType<Page['getByRole']>): Promise<Uint8Array> {
    const attempts = this.browserName() === 'firefox' ? 2 : 1
    for (let attempt = 1; ; attempt++) {
      const timeout = attempt < attempts ? 20_000 : undefined
      try {
        const [download] = await Promise.all([this.page.waitForEvent('download', { timeout }), button.click()])
        return await readDownload(download)
      } catch (err) {
        if (attempt >= attempts || !(err instanceof Error) || err.name !== 'TimeoutError') throw err
      }
    }
  }
}

export async function readDownload(download: Download): Promise<Uint8Array> {
  const path = await download.path()
  return new Uint8Array(await readFile(path))
}
