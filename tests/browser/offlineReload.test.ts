// In real Chromium: a document survives a page reload while the server is down. The page is
// served by a separate static server, so only the relay goes away; after the reload the text
// can only come from IndexedDB. When the relay is back, the offline edit reaches it.
import { expectSaved, type RelayProcess } from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { harnessTabs, reloadHarness, startDevRelay, harnessStatus as status } from './support/harnessTabs.ts'
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

describe('Chromium: reload with the server down', () => {
  it('reopens the document from IndexedDB, then syncs the offline edit when the relay returns', async () => {
    const tabs = await harnessTabs(rig, relay, 'reload', { count: 1 })
    const page = tabs.pages[0] as Page
    try {
      expect(await page.evaluate(() => window.tandemHarness.text())).toBe('')
      await page.evaluate(() => window.tandemHarness.append('typed online. '))
      await expectSaved(page, { status })

      expect(await relay.stop()).toMatchObject({ code: 0 })
      await waitInPage(page, 'not saved once the relay is gone', () => window.tandemHarness.status().state !== 'saved')
      await page.evaluate(() => window.tandemHarness.append('typed offline.'))
      // Committed in IndexedDB (not merely queued) before the tab goes away.
      await waitInPage(page, 'the offline edit is stored', () => {
        const p = window.tandemHarness.progress()
        return p.stored === p.last
      })
      expect((await status(page)).state).not.toBe('saved')

      expect(await reloadHarness(page, 'reload')).toBe('typed online. typed offline.')
      const after = await page.evaluate(() => window.tandemHarness.status())
      expect(after.loaded).toBe(true)
      expect(['offline', 'connecting']).toContain(after.state)

      await relay.restart()
      await expectSaved(page, { status, timeoutMs: 15_000 })
      expect(await serverText(relay.url, 'reload')).toBe('typed online. typed offline.')
    } finally {
      await tabs.close()
    }
  })
})
