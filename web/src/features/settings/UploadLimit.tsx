import { useId } from 'react'
import { UPLOAD_LIMIT_CHOICES, updateSettings, useSettings } from '../../settings'

/** Caps how fast this browser uploads, for people on metered or shared connections. */
export function UploadLimit() {
  const id = useId()
  const { uploadLimitBytesPerS } = useSettings()
  return (
    <div className="setting">
      <label htmlFor={id}>Upload limit</label>
      <select
        id={id}
        value={String(uploadLimitBytesPerS ?? '')}
        onChange={(event) =>
          updateSettings({ uploadLimitBytesPerS: event.currentTarget.value ? Number(event.currentTarget.value) : null })
        }
      >
        {UPLOAD_LIMIT_CHOICES.map((choice) => (
          <option key={choice.label} value={String(choice.bytesPerS ?? '')}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  )
}
