import { useState } from 'react'

/** Asks, once and only when clicked, to be notified when a download finishes in a background tab. */
export function NotifyButton() {
  const [permission, setPermission] = useState(() => ('Notification' in window ? Notification.permission : 'denied'))
  if (permission !== 'default') return null
  return (
    <button
      type="button"
      className="button button--small button--ghost"
      onClick={() => void Notification.requestPermission().then(setPermission)}
    >
      Notify me when it is done
    </button>
  )
}
