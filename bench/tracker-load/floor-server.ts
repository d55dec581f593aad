/*
 * The floor of the tracker benchmark: the least a WebSocket tracker on Node's `ws` can do per announce
 * (parse it, answer it, forward each offer to a random socket), with no swarms, checks or limits.
 * No real tracker can be faster on this machine; how close one comes is what its own code costs.
 */
import { WebSocketServer, type WebSocket } from 'ws'

const port = Number(process.argv[2])
const sockets: WebSocket[] = []
const server = new WebSocketServer({ port, host: '127.0.0.1', perMessageDeflate: false, clientTracking: false })
server.on('connection', (socket) => {
  sockets.push(socket)
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as {
      info_hash: string
      peer_id: string
      offers?: Array<{ offer: unknown; offer_id: string }>
    }
    socket.send(
      JSON.stringify({ action: 'announce', interval: 12, info_hash: message.info_hash, complete: 1, incomplete: 1 }),
    )
    for (const offer of message.offers ?? []) {
      const target = sockets[Math.floor(Math.random() * sockets.length)]!
      target.send(
        JSON.stringify({
          action: 'announce',
          offer: offer.offer,
          offer_id: offer.offer_id,
          peer_id: message.peer_id,
          info_hash: message.info_hash,
        }),
      )
    }
  })
})
server.on('listening', () => console.log('listening'))
