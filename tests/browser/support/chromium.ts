import { type Browser, type BrowserContext, chromium } from 'playwright-core'

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
// Everything that talks to the internet is switched off; the sandbox needs privileges we lack.
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** The system Chromium, headless. Contexts are off the record (storage lives in memory). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, timeout: 30_000, args })
}

/** The system Chromium with a profile in `userDataDir`: IndexedDB lives on disk, as for a user. */
export function launchChromiumWithProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, timeout: 30_000, args })
}
