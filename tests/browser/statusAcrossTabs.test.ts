// In real Chromium: the status tells the truth across reloads and tabs. A reload with nothing
// pending shows 0 pending (the stored state is not counted again); a tab that only received
// another tab's edits over BroadcastChannel neither says saved while the server lacks them nor
// leaves them unsent; offline edits reloaded while another tab is open still count as pending.
import { expectSaved, type RelayProcess, tandemNetwork } from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import {
  harnessTabs,
  harnessText,
  reloadHarness as reopen,
  startDevRelay,
  harnessStatus as status,
} from './support/harnessTabs.ts'
import { serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayProcess

beforeAll(async () => {
  rig = await startBrowserRig()
  relay = await startDevRelay()
})

afterAll(async () => {
  await relay?.close()
  await rig?.close()
})

const saved = (page: Page) => expectSaved(page, { status, timeoutMs: 15_000 })

describe('Chromium: status across reloads and tabs', () => {
  it('a reload with nothing pending shows 0 pending from the start, then saved', async () => {
    const tabs = await harnessTabs(rig, relay, 'clean-reload', { count: 1 })
    const page = tabs.pages[0] as Page
    await page.evaluate(() => window.tandemHarness.append('all synced'))
    await saved(page)
    expect(await reopen(page, 'clean-reload')).toBe('all synced')
    await saved(page)
    const history = await page.evaluate(() => window.tandemHarness.samples())
    expect(history.filter((s) => s.pending !== 0)).toEqual([])
    expect(await page.evaluate(() => window.tandemHarness.status())).toMatchObject({ state: 'saved', pending: 0 })
    await tabs.close()
  })

  // 'switch': the app's own offline switch; 'network': the tab's socket is cut under it.
  it.each(['switch', 'network'] as const)(
    'with one tab offline (%s), the online tab forwards its edits and says saved only once the server has them',
    async (how) => {
      const network = tandemNetwork(() => relay.url)
      const doc = `one-offline-${how}`
      const tabs = await harnessTabs(rig, relay, doc, { network })
      const [a, b] = tabs.pages as [Page, Page]
      try {
        for (const tab of [a, b]) await saved(tab)
        if (how === 'switch') await a.evaluate(() => window.tandemHarness.setOnline(false))
        else await network.offline(a)
        await a.evaluate(() => window.tandemHarness.append('typed in the offline tab'))
        await waitInPage(b, 'B shows A’s edit', () => window.tandemHarness.text() === 'typed in the offline tab')
        await saved(b)
        // B says saved: the server must hold what B shows.
        expect(await serverText(relay.url, doc)).toBe('typed in the offline tab')
        for (const s of await b.evaluate(() => window.tandemHarness.samples())) {
          if (s.state === 'saved') expect(s.progress.acked, 'saved before the server acked').toBe(s.progress.last)
        }
        expect((await status(a)).state).not.toBe('saved')
        expect(await harnessText(a)).toBe('typed in the offline tab')
      } finally {
        await tabs.close()
      }
    },
  )

  it('offline edits reloaded while another tab is open count as pending until the server acks them', async () => {
    const tabs = await harnessTabs(rig, relay, 'reload-beside')
    const [a, b] = tabs.pages as [Page, Page]
    for (const tab of [a, b]) await saved(tab)
    await relay.kill()
    await a.evaluate(() => window.tandemHarness.append('offline, then reloaded'))
    await waitInPage(a, 'stored', () => window.tandemHarness.progress().stored === 1)
    await waitInPage(b, 'B shows it', () => window.tandemHarness.text() === 'offline, then reloaded')
    expect(await reopen(a, 'reload-beside')).toBe('offline, then reloaded')
    await waitInPage(a, 'the reloaded tab counts the edit', () => window.tandemHarness.status().pending > 0, 3_000)
    expect((await b.evaluate(() => window.tandemHarness.status())).pending).toBeGreaterThan(0)
    await relay.restart()
    for (const tab of [a, b]) await saved(tab)
    expect(await serverText(relay.url, 'reload-beside')).toBe('offline, then reloaded')
    await tabs.close()
  })
})
