import SimplePeer from '@thaunknown/simple-peer/lite.js'
import Wire from 'bittorrent-protocol'
import WebSocketTracker from 'bittorrent-tracker/websocket-tracker'
import Piece from 'torrent-piece'
import RarityMap from 'webtorrent/lib/rarity-map.js'
import Torrent from 'webtorrent/lib/torrent.js'
import { transfer, type Build, type UpstreamClasses } from './swarm.js'

/*
 * The upstream classes each build runs, for behaviour tests that run on them as well as on fakes.
 * The Node build imports its classes from these packages (the Node contract test checks that they are
 * the very classes its clients use); the browser bundle keeps its own copies inside, reached through
 * the instances of a transfer made without the engine, so they come unchanged.
 */

const NODE_CLASSES = { Torrent, Piece, RarityMap, Wire, WebSocketTracker, SimplePeer } as unknown as UpstreamClasses

export async function upstreamClasses(build: Build): Promise<UpstreamClasses> {
  if (build === 'node') return NODE_CLASSES
  const swarm = await transfer('browser', { adopt: false })
  await swarm.close()
  return swarm.classes
}

export { NODE_CLASSES }
