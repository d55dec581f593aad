import { defineConfig } from '@playwright/test'
import { chromiumLaunchOptions } from './tests/e2e/chromium.js'

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  // Each test already runs two browser contexts (two people); two workers fill the two cores.
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    launchOptions: chromiumLaunchOptions,
    acceptDownloads: true,
    trace: 'retain-on-failure',
  },
})
