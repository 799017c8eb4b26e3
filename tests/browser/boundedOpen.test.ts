// In real Chromium: an open never waits for a compaction. A tab types a long burst (each edit
// its own transaction) and is closed at once, with whatever compaction was under way cut off;
// the next tab's open reads one snapshot and a bounded tail, runs no compaction step before it
// resolves, and the compaction it leaves for the background finishes in steps. Counted, not
// timed: bench/client times the open after the whole trace.
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig } from './support/browserRig.ts'

let rig: BrowserRig
// Nothing listens here: the tabs write with the server unreachable, as offline typing does.
const closedUrl = 'ws://127.0.0.1:9'

beforeAll(async () => {
  rig = await startBrowserRig()
})

afterAll(async () => {
  await rig?.close()
})

async function openTab(context: BrowserContext): Promise<{ page: Page; text: string }> {
  const page = await rig.openTab(context, closedUrl)
  const text = await page.evaluate(() => window.tandemHarness.open({ doc: 'burst' }))
  return { page, text }
}

const typed = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('')

describe('Chromium: an open is bounded whatever the log', () => {
  it('opens after a burst and an abrupt tab close without compacting first, reading a bounded tail', async () => {
    const context = await rig.browser.newContext()
    const edits = 20_000
    const first = await openTab(context)
    await first.page.evaluate((n) => window.tandemHarness.burst(n, 10), edits)
    const stepsWhileTyping = await first.page.evaluate(() => window.tandemHarness.compactions())
    await first.page.close()

    const second = await openTab(context)
    const stats = await second.page.evaluate(() => window.tandemHarness.openStats())
    console.log(
      `after ${edits} edits (${stepsWhileTyping} compaction steps while typing), the next open read ${stats.entries} entries${stats.snapshot ? ' and a snapshot' : ''}; ${stats.compactionsWhenLoaded} compaction steps before it resolved`,
    )
    // Whatever was committed before the close is there, in order (the rest never left memory).
    expect(second.text.length).toBeGreaterThan(0)
    expect(typed(edits).startsWith(second.text)).toBe(true)
    expect(stats.compactionsWhenLoaded).toBe(0)
    expect(stats.entries).toBeLessThanOrEqual(1_000)

    // The open after that reads the snapshot and at most a step's threshold of entries.
    await second.page.close()
    const third = await openTab(context)
    const after = await third.page.evaluate(() => window.tandemHarness.openStats())
    expect(third.text).toBe(second.text)
    expect(after.entries).toBeLessThanOrEqual(200)
    await context.close()
  })
})
