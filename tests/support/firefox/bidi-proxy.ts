/**
 * Starts Debian's Firefox ESR for Playwright with a WebDriver BiDi proxy in front of it, bridging the two gaps
 * between Playwright 1.65 and Firefox 153 (see ENGINEERING.md):
 *  - Playwright sends `emulation.setMediaFeaturesOverride` on every new context, which Firefox does not know:
 *    the proxy answers it with an empty success;
 *  - Firefox's `browsingContext.downloadWillBegin` / `downloadEnd` events carry no `download` id, so Playwright
 *    drops them: the proxy adds one, the same for both events of a download.
 * Everything else passes through unchanged. Run by `firefox-bidi` with Firefox's own arguments.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { WebSocket, WebSocketServer, type RawData } from 'ws'

const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr'
const LISTENING = /WebDriver BiDi listening on (ws:\/\/\S+)/

type Message = { id?: number; method?: string; params?: Record<string, unknown> }

const firefox = spawn(FIREFOX_PATH, process.argv.slice(2), { stdio: ['ignore', 'inherit', 'pipe'] })
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => firefox.kill(signal))
firefox.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))

createInterface({ input: firefox.stderr }).on('line', (line) => {
  const match = LISTENING.exec(line)
  if (!match) {
    process.stderr.write(line + '\n')
    return
  }
  const proxy = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => {
    const { port } = proxy.address() as { port: number }
    process.stderr.write(`WebDriver BiDi listening on ws://127.0.0.1:${port}\n`)
  })
  proxy.on('connection', (client, request) => bridge(client, new WebSocket(match[1] + (request.url ?? ''))))
})

function bridge(client: WebSocket, firefoxSocket: WebSocket): void {
  const pending: string[] = []
  const downloads = new DownloadIds()
  firefoxSocket.on('open', () => pending.splice(0).forEach((text) => firefoxSocket.send(text)))
  client.on('message', (data) => {
    const message = parse(data)
    if (message.method === 'emulation.setMediaFeaturesOverride') {
      client.send(JSON.stringify({ type: 'success', id: message.id, result: {} }))
      return
    }
    if (firefoxSocket.readyState === WebSocket.OPEN) firefoxSocket.send(data.toString())
    else pending.push(data.toString())
  })
  firefoxSocket.on('message', (data) => {
    const message = parse(data)
    client.send(
      message.method?.startsWith('browsingContext.download') ? JSON.stringify(downloads.tag(message)) : data.toString(),
    )
  })
  client.on('close', () => firefoxSocket.close())
  firefoxSocket.on('close', () => client.close())
  client.on('error', () => firefoxSocket.close())
  firefoxSocket.on('error', () => client.close())
}

/** Gives both events of one download the same id, pairing them by browsing context and URL. */
class DownloadIds {
  private next = 0
  private readonly open = new Map<string, string>()

  tag(message: Message): Message {
    const params = message.params ?? {}
    if (params.download || params.navigation) return message
    const key = `${String(params.context)} ${String(params.url)}`
    let id = this.open.get(key)
    if (message.method === 'browsingContext.downloadWillBegin' || id === undefined) {
      id = `swarmdrop-download-${++this.next}`
      this.open.set(key, id)
    }
    if (message.method === 'browsingContext.downloadEnd') this.open.delete(key)
    // On stderr, which Playwright shows beside a failed test: a save that never reached the test shows here.
    process.stderr.write(
      `bidi-proxy: ${message.method} ${id} ${String(params.context)} ${String(params.url).slice(0, 80)} ${String(params.status ?? '')}\n`,
    )
    return { ...message, params: { ...params, download: id } }
  }
}

function parse(data: RawData): Message {
  try {
    return JSON.parse(data.toString()) as Message
  } catch {
    return {}
  }
}
