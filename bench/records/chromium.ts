// One initial sync in Debian's Chromium, the figure behind the "under 3 s end to end" target:
// a bundled page (IndexedDB on an on-disk profile, as for a user) syncing from the relay.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { bundlePage } from '../../tests/browser/support/bundlePage.ts'
import { launchChromiumWithProfile } from '../../tests/browser/support/chromium.ts'
import { type StaticServer, startStaticServer } from '../../tests/browser/support/staticServer.ts'
import type { BrowserSyncFigures } from './page/recordsBenchPage.ts'

export async function chromiumInitialSync(
  relayUrl: string,
  collection: string,
  n: number,
  timeoutMs: number,
): Promise<BrowserSyncFigures> {
  const { dir } = await bundlePage(join(import.meta.dirname, 'page/recordsBenchPage.ts'), 'tandem records bench')
  const profile = await mkdtemp(join(tmpdir(), 'tandem-records-profile-'))
  let web: StaticServer | null = null
  let context: BrowserContext | null = null
  try {
    web = await startStaticServer(dir)
    context = await launchChromiumWithProfile(profile)
    const page = context.pages()[0] ?? (await context.newPage())
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`))
    await page.goto(web.origin)
    await page.waitForFunction(() => Boolean(window.recordsBench), null, { timeout: 30_000 })
    page.setDefaultTimeout(timeoutMs + 10_000)
    return await page.evaluate(([url, c, count, ms]) => window.recordsBench.initialSync(url, c, count, ms), [
      relayUrl,
      collection,
      n,
      timeoutMs,
    ] as const)
  } finally {
    await context?.close().catch(() => {})
    await web?.close().catch(() => {})
    await rm(dir, { recursive: true, force: true })
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}
