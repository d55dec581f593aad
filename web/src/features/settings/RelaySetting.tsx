import { useId } from 'react'
import { useRelayState } from '../../torrent'
import { updateSettings, type RelayMode } from '../../settings'

const OPTIONS: ReadonlyArray<{ mode: RelayMode; label: string; hint: string }> = [
  { mode: 'off', label: 'Off', hint: 'Direct connections only.' },
  {
    mode: 'fallback',
    label: 'Fallback',
    hint: 'Direct first; through the relay when a firewall or strict NAT blocks that.',
  },
  { mode: 'relay', label: 'Relay only', hint: 'Always through the relay. Peers never see your IP address; slower.' },
]

const STATUS_TEXT = {
  loading: 'Checking the server…',
  unavailable: 'This server has no relay. Its operator can install coturn, or set TURN_URLS and TURN_SECRET.',
  off: 'Relay off.',
  checking: 'Checking the relay…',
  working: 'Relay working.',
  failed: '',
} as const

/** The TURN toggle: off, fallback (the default when the server has a relay) or relay only. */
export function RelaySetting() {
  const relay = useRelayState()
  const name = useId()
  return (
    <fieldset className="relay-setting">
      <legend>Relay (TURN)</legend>
      {OPTIONS.map((option) => (
        <label key={option.mode} className="relay-setting__option">
          <input
            type="radio"
            name={name}
            value={option.mode}
            checked={relay.mode === option.mode}
            disabled={!relay.available && option.mode !== 'off'}
            onChange={() => updateSettings({ relayMode: option.mode })}
          />
          <span>
            <strong>{option.label}</strong> <span className="muted">{option.hint}</span>
          </span>
        </label>
      ))}
      <p
        className={relay.status === 'failed' ? 'error-text' : 'muted'}
        role="status"
        data-testid="relay-status"
        data-status={relay.status}
      >
        {relay.status === 'failed' ? relay.error : STATUS_TEXT[relay.status]}
      </p>
    </fieldset>
  )
}
