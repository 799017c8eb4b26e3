// The example's conflict tests, with @tandem/testing's fixtures and the system Chromium.
// Build first (`vite build`): the relay fixture serves dist/ itself.
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS } from '@tandem/testing/playwright'

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  timeout: 60_000,
  outputDir: 'node_modules/.playwright-results',
  reporter: process.env.PW_JSON ? [['list'], ['json', { outputFile: process.env.PW_JSON }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
})
