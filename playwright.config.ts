// @playwright/test suites (tests/playwright): Tandem's own fixtures, run by `npm test` with the
// system Chromium; nothing here downloads a browser.
import { defineConfig } from '@playwright/test'
import { CHROMIUM_ARGS } from './packages/testing/src/playwright/chromiumArgs.ts'

export default defineConfig({
  testDir: 'tests/playwright',
  testMatch: '**/*.spec.ts',
  outputDir: '.tmp/playwright-results',
  workers: 1,
  timeout: 60_000,
  reporter: process.env.PW_JSON ? [['list'], ['json', { outputFile: process.env.PW_JSON }]] : 'list',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  },
})
