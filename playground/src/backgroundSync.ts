// Runs in the service worker (imported by sw.js): when the browser fires the Background Sync
// the pages registered while work was pending, send that work to the relay over REST, even with
// no tab open. The report is kept where the next page can show it; a sync that could not
// reach the relay rejects, so the browser fires it again later.
import { type FlushReport, flushPending } from '@tandem/client'
import { loadToken, SYNC_TAG, saveReport } from './syncShared.ts'

interface SyncEvent {
  tag: string
  lastChance?: boolean
  waitUntil(promise: Promise<unknown>): void
}

const worker = self as unknown as {
  location: Location
  addEventListener(type: 'sync', listener: (event: SyncEvent) => void): void
}

worker.addEventListener('sync', (event) => {
  if (event.tag !== SYNC_TAG) return
  event.waitUntil(run())
})

async function run(): Promise<FlushReport> {
  const url = worker.location.origin.replace(/^http/, 'ws')
  const report = await flushPending({ url, getToken: loadToken })
  await saveReport(report)
  // Unreachable or failing relay: let the browser retry. Refusals (4xx) are kept for the page.
  if (report.failures.some((f) => f.status === null || f.status >= 500)) throw new Error('relay not reachable; retry')
  return report
}
