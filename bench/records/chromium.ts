// One initial sync in Debian's Chromium, the figure behind the "under 3 s end to end" target:
// a bundled page (IndexedDB on an on-disk profile, as for a user) syncing from the relay.
import { join } from 'node:path'
import { openBenchPage } from '../openBenchPage.ts'
import type { BrowserSyncFigures } from './page/recordsBenchPage.ts'

export async function chromiumInitialSync(
  relayUrl: string,
  collection: string,
  n: number,
  timeoutMs: number,
): Promise<BrowserSyncFigures> {
  const bench = await openBenchPage(
    join(import.meta.dirname, 'page/recordsBenchPage.ts'),
    'tandem records bench',
    'recordsBench',
  )
  try {
    bench.page.setDefaultTimeout(timeoutMs + 10_000)
    return await bench.page.evaluate(([url, c, count, ms]) => window.recordsBench.initialSync(url, c, count, ms), [
      relayUrl,
      collection,
      n,
      timeoutMs,
    ] as const)
  } finally {
    await bench.close()
  }
}
