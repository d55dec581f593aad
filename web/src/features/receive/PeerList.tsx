import type { PeerPath } from '../../torrent'

const PATH_LABELS = { direct: 'Direct', relayed: 'Relayed' } as const

/** Every connected peer and how it is reached: directly, or through the TURN relay. */
export function PeerList({ peers }: { peers: PeerPath[] }) {
  if (peers.length === 0) return null
  return (
    <ul className="peer-list" aria-label="Connected peers">
      {peers.map((peer, index) => (
        <li key={peer.id} className="peer-list__item" data-testid="peer" data-path={peer.path}>
          <span>Peer {index + 1}</span>
          <span className={`badge badge--${peer.path}`} title={peer.candidates ?? undefined}>
            {PATH_LABELS[peer.path]}
            {peer.candidates ? ` (${peer.candidates})` : ''}
          </span>
        </li>
      ))}
    </ul>
  )
}
