import type { Swarm } from 'bittorrent-tracker'

export type SwarmStats = { swarms: number; peers: number; seeders: number; leechers: number }

/** Stats of bittorrent-tracker's swarms (classic clients over HTTP and UDP). */
export function swarmStats(swarms: Record<string, Swarm>): SwarmStats {
  let seeders = 0
  let leechers = 0
  const list = Object.values(swarms)
  for (const swarm of list) {
    seeders += swarm.complete
    leechers += swarm.incomplete
  }
  return { swarms: list.length, peers: seeders + leechers, seeders, leechers }
}

export function addStats(a: SwarmStats, b: SwarmStats): SwarmStats {
  return {
    swarms: a.swarms + b.swarms,
    peers: a.peers + b.peers,
    seeders: a.seeders + b.seeders,
    leechers: a.leechers + b.leechers,
  }
}
