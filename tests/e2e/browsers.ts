import { fileURLToPath } from 'node:url'
import type { LaunchOptions } from '@playwright/test'

/** Debian's Chromium: Playwright cannot download its own browsers on this machine. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Launch options for tests and benchmarks; `disableFeatures` adds Chromium features to turn off. */
export function chromiumOptions({ disableFeatures = [] }: { disableFeatures?: string[] } = {}): LaunchOptions {
  return {
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Plain host candidates on loopback instead of mDNS names nothing here resolves.
      `--disable-features=${['WebRtcHideLocalIpsWithMdns', ...disableFeatures].join(',')}`,
    ],
  }
}

export const chromiumLaunchOptions: LaunchOptions = chromiumOptions()

/**
 * Debian's Firefox ESR, started through a BiDi proxy that bridges two gaps between Playwright and Firefox
 * (tests/support/firefox/bidi-proxy.ts). Use with `browserName: 'firefox'` and `channel: 'moz-firefox'`.
 */
export const firefoxLaunchOptions: LaunchOptions = {
  executablePath: fileURLToPath(new URL('../support/firefox/firefox-bidi', import.meta.url)),
  firefoxUserPrefs: {
    // WebRTC between two contexts on one machine: loopback candidates, plain IPs rather than mDNS names, and
    // every local address (without a media permission Firefox gathers only the default route's).
    'media.peerconnection.ice.loopback': true,
    'media.peerconnection.ice.obfuscate_host_addresses': false,
    'permissions.default.camera': 1,
    // navigator.clipboard.readText() without a paste prompt (Firefox's own test switch).
    'dom.events.testing.asyncClipboard': true,
    // No "slow script" stop for large injected scripts (axe-core) on a busy machine.
    'dom.max_script_run_time': 0,
  },
}
