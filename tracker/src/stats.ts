import type { Swarm } from 'bittorrent-tracker'

export type SwarmStats = { swarms: number; peers: number; seeders: number; leechers: number }

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
