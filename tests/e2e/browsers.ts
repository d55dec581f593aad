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
