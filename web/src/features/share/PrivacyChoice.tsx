import { useId } from 'react'
import { updateSettings, useSettings } from '../../settings'

const OPTIONS = [
  {
    privately: true,
    label: 'Private link',
    hint: 'Encrypted in this browser. Only people with the link can see the files or their names; not the server, not other peers.',
  },
  {
    privately: false,
    label: 'Public torrent',
    hint: 'Works in any BitTorrent client; anyone with the link or the info hash can read it.',
  },
] as const

/** How the next files are shared: a private link (the default) or a public torrent. */
export function PrivacyChoice() {
  const { sharePrivately } = useSettings()
  const name = useId()
  return (
    <fieldset className="privacy-choice" data-testid="privacy-choice">
      <legend className="visually-hidden">How to share</legend>
      {OPTIONS.map((option) => (
        <label key={option.label} className="privacy-choice__option">
          <input
            type="radio"
            name={name}
            checked={sharePrivately === option.privately}
            onChange={() => updateSettings({ sharePrivately: option.privately })}
          />
          <span>
            <strong>{option.label}</strong> <span className="muted">{option.hint}</span>
          </span>
        </label>
      ))}
    </fieldset>
  )
}
