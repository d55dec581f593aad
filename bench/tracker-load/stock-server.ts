/*
 * The anchor of the tracker benchmark: bittorrent-tracker's own server with its default settings,
 * WebSocket only, on the port given as the first argument.
 */
import { Server } from 'bittorrent-tracker'

const port = Number(process.argv[2])
const server = new Server({ http: false, udp: false, ws: true, stats: false })
server.on('error', (err: Error) => console.error(`stock tracker error: ${err.message}`))
server.on('warning', () => {})
server.listen(port, '127.0.0.1', () => console.log('listening'))
