import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions, firefoxLaunchOptions } from './tests/e2e/browsers.js'

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // Each test already runs two browser contexts (two people); two workers fill the two cores.
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  // One retry, reported as "flaky" in the output. Twice in about ten full runs a receiver stayed at
  // "Looking for the sender" for 90 s with the sender online (persistence: re-dropped share; turn:
  // relay only); neither reproduced in 30 targeted repeats, with or without CPU load, and no tracker
  // refusal was logged in a full run. Look at the trace of the first attempt when one shows.
  retries: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    acceptDownloads: true,
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium', launchOptions: chromiumLaunchOptions } },
    {
      // Every journey a person takes in the app. Tests of the servers, the hybrid node and classic clients
      // drive Chromium on their own: the browser there is only a peer.
      name: 'firefox',
      testIgnore: [
        'cross-browser.spec.ts',
        'installable.spec.ts',
        'classic.spec.ts',
        'firewalled.spec.ts',
        'hybrid.spec.ts',
        'restart.spec.ts',
        'scale.spec.ts',
        'screenshots.spec.ts',
      ],
      use: { browserName: 'firefox', channel: 'moz-firefox', launchOptions: firefoxLaunchOptions },
    },
  ],
})
