import { RelaySetting } from './RelaySetting'
import { UploadLimit } from './UploadLimit'

/** Settings that apply to every torrent in this browser. New connections use them at once. */
export function SettingsMenu() {
  return (
    <details className="settings-menu">
      <summary className="button button--small">Settings</summary>
      <div className="settings-menu__panel" data-testid="settings">
        <UploadLimit />
        <RelaySetting />
        {'registerProtocolHandler' in navigator && (
          <button
            type="button"
            className="button button--small"
            onClick={() => navigator.registerProtocolHandler('magnet', `${location.origin}/#%s`)}
          >
            Open magnet links with Swarmdrop
          </button>
        )}
      </div>
    </details>
  )
}
