import type { PeerPath } from '../../torrent'

const PATH_LABELS = { direct: 'Direct', relayed: 'Relayed' } as const

/** Every connected peer and how it is reached: directly, or through the TURN relay. */
export function PeerList({ peers }: { peers: PeerPath[] }) {
  if (peers.length === 0) return null
  return (
    <ul className="peer-list" aria-label="Connected peers">
      {peers.map((peer, index) => (
        <li
          key={peer.id}
          className="peer-list__item"
          data-testid="peer"
          data-path={peer.path}
          data-connections={peer.connections}
        >
          <span>
            Peer {index + 1}
            {peer.connections > 1 ? (
              <span
                className="peer-list__connections"
                title="More connections to this peer carry more on a long or lossy path"
              >
                {' '}
                · {peer.connections} connections
              </span>
            ) : null}
          </span>
          <span className={`badge badge--${peer.path}`} title={peer.candidates ?? undefined}>
            {PATH_LABELS[peer.path]}
            {peer.candidates ? ` (${peer.candidates})` : ''}
          </span>
        </li>
      ))}
    </ul>
  )
}
