import { useRelayState, type TorrentSnapshot } from '../../torrent'
import { updateSettings } from '../../settings'

/**
 * Says why nothing arrives when the tracker knows a sender but no connection works, and offers the
 * relay when it is off. Also surfaces a relay that refuses its credentials.
 */
export function ConnectionHint({ torrent }: { torrent: TorrentSnapshot }) {
  const relay = useRelayState()
  if (relay.status === 'failed' && relay.mode !== 'off' && torrent.progress < 1) {
    return (
      <p className="error-text" role="alert" data-testid="connection-hint">
        {relay.error}
      </p>
    )
  }
  if (!torrent.cannotConnect) return null
  if (relay.mode === 'off' && relay.available) {
    return (
      <div className="hint" role="alert" data-testid="connection-hint">
        <p>The sender is online, but a direct connection does not work (a firewall or strict NAT is in the way).</p>
        <button
          type="button"
          className="button button--primary"
          onClick={() => updateSettings({ relayMode: 'fallback' })}
        >
          Connect through the relay
        </button>
      </div>
    )
  }
  return (
    <p className="error-text" role="alert" data-testid="connection-hint">
      {relay.available
        ? 'The sender is online, but no connection works, even through the relay.'
        : 'The sender is online, but a direct connection does not work and this server has no relay.'}
    </p>
  )
}
