import { CHROMIUM_ARGS } from '@tandem/testing/browser'
import { type Browser, type BrowserContext, chromium } from 'playwright-core'

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** The system Chromium, headless. Contexts are off the record (storage lives in memory). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, timeout: 30_000, args: [...CHROMIUM_ARGS] })
}

/** The system Chromium with a profile in `userDataDir`: IndexedDB lives on disk, as for a user. */
export function launchChromiumWithProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    timeout: 30_000,
    args: [...CHROMIUM_ARGS],
  })
}
