// In real Chromium: two tabs of one browser (two pages, one context) keep a document in step
// over BroadcastChannel while the server is unreachable, presence included. Both tabs open the
// document before anything is typed, so nothing can arrive through a load from IndexedDB:
// every character the other tab shows crossed the BroadcastChannel live.
import { expectConverged, expectNoLostEdits, expectSaved, type RelayProcess } from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { harnessTabs, startDevRelay, harnessStatus as status, harnessText as text } from './support/harnessTabs.ts'
import { serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayProcess

beforeAll(async () => {
  rig = await startBrowserRig()
  relay = await startDevRelay()
  // The relay exists only to give the tabs a real URL; it is down for the whole exchange.
  await relay.kill()
})

afterAll(async () => {
  await relay?.close()
  await rig?.close()
})

describe('Chromium: two tabs with the server down', () => {
  it('exchange edits and presence over BroadcastChannel, then both sync when the relay is up', async () => {
    const tabs = await harnessTabs(rig, relay, 'tabs', {
      users: [
        { name: 'Ada', color: '#f00' },
        { name: 'Bob', color: '#00f' },
      ],
    })
    const [a, b] = tabs.pages as [Page, Page]
    try {
      for (const tab of [a, b]) {
        expect(['offline', 'connecting']).toContain(await tab.evaluate(() => window.tandemHarness.connection()))
      }
      await a.evaluate(() => window.tandemHarness.append('from A. '))
      await waitInPage(b, 'tab B shows A’s edit', () => window.tandemHarness.text() === 'from A. ', 5_000)
      await b.evaluate(() => window.tandemHarness.append('from B.'))
      await waitInPage(a, 'tab A shows B’s edit', () => window.tandemHarness.text() === 'from A. from B.', 5_000)
      // Concurrent edits in both tabs converge.
      await Promise.all([
        a.evaluate(() => window.tandemHarness.insert(0, '[a]')),
        b.evaluate(() => window.tandemHarness.insert(0, '[b]')),
      ])
      await expectNoLostEdits([a, b], text, ['[a]', '[b]', 'from A. from B.'], { timeoutMs: 5_000 })
      const merged = await expectConverged([a, b], text, { timeoutMs: 5_000 })
      expect(merged).toHaveLength(21)

      await waitInPage(a, 'A sees Bob', () => window.tandemHarness.users().includes('Bob'), 5_000)
      await waitInPage(b, 'B sees Ada', () => window.tandemHarness.users().includes('Ada'), 5_000)
      for (const tab of [a, b]) expect((await status(tab)).state).not.toBe('saved')

      await relay.restart()
      await expectSaved(a, { status, timeoutMs: 15_000 })
      await expectSaved(b, { status, timeoutMs: 15_000 })
      expect(await serverText(relay.url, 'tabs')).toBe(merged)
    } finally {
      await tabs.close()
    }
  })
})
