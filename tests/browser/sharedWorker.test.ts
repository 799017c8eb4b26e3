// In real Chromium: the client's socket runs in a SharedWorker (the harness's `?engine=shared`),
// so every tab of the origin shares one connection, counted on the relay itself. A tab that
// closes in the middle of a burst of edits loses none of them, and its presence leaves with it
// even when it never ran its pagehide handler (a crashed renderer): the engine learns of the
// tab's end from the Web Lock the tab held.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'
import { type BrowserRig, startBrowserRig, waitInPage } from './support/browserRig.ts'
import { harnessTabs, openHarnessDoc } from './support/harnessTabs.ts'
import { type RelayOnPort, relayOnPort, serverText } from './support/testRelay.ts'

let rig: BrowserRig
let relay: RelayOnPort
let dataDir: string

beforeAll(async () => {
  rig = await startBrowserRig()
  dataDir = await makeTempDir('browser-engine')
  relay = await relayOnPort(dataDir)
})

afterAll(async () => {
  await relay?.stop()
  await rig?.close()
  if (dataDir) await removeDir(dataDir)
})

const connections = () => relay.relay.stats().connections
const text = (page: Page) => page.evaluate(() => window.tandemHarness.text())
const users = (page: Page) => page.evaluate(() => window.tandemHarness.users())
const shared = { engine: 'shared' }
const people = [
  { name: 'Ada', color: '#f00' },
  { name: 'Bob', color: '#0a0' },
  { name: 'Cy', color: '#00f' },
]

describe('Chromium: the SharedWorker engine', () => {
  it('three tabs share one socket to the relay; each tab’s own socket is the control', async () => {
    for (const [query, expected] of [
      [shared, 1],
      [{}, 3],
    ] as const) {
      const doc = `three-${expected}`
      const tabs = await harnessTabs(rig, relay, doc, { count: 3, query, users: people })
      try {
        for (const [i, page] of tabs.pages.entries())
          await page.evaluate((s) => window.tandemHarness.append(s), `[${i}]`)
        for (const page of tabs.pages)
          await waitInPage(page, 'saved with all three edits', () => {
            const h = window.tandemHarness
            return h.status().state === 'saved' && h.text().length === 9
          })
        for (const page of tabs.pages)
          await waitInPage(page, 'all three present', () => window.tandemHarness.users().length === 3)
        expect(connections(), `connections with ${JSON.stringify(query)}`).toBe(expected)
        expect((await serverText(relay.url, doc)).length).toBe(9)
      } finally {
        await tabs.close()
      }
      await waitUntil('the relay sees the tabs go', () => connections() === 0)
    }
  })

  it('a tab closed in the middle of a burst loses nothing: the other tab and the server have it all', async () => {
    const tabs = await harnessTabs(rig, relay, 'closed-mid-edit', { count: 2, query: shared, users: people })
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await waitInPage(b, 'B sees Ada', () => window.tandemHarness.users().includes('Ada'))
      // 3,000 one-character transactions, ten per task, and the tab closes the moment the last
      // is made: no wait for the device store, the server, or the other tab.
      await a.evaluate(() => window.tandemHarness.burst(3_000, 10))
      await a.close()
      await waitInPage(b, 'B has the whole burst', () => window.tandemHarness.text().length === 3_000, 20_000)
      await waitInPage(b, 'B is saved', () => window.tandemHarness.status().state === 'saved', 20_000)
      await waitInPage(b, 'Ada has left B’s presence', () => !window.tandemHarness.users().includes('Ada'), 20_000)
      expect(connections()).toBe(1)
      expect(await serverText(relay.url, 'closed-mid-edit')).toBe(await text(b))
    } finally {
      await tabs.close()
    }
  })

  it('a crashed tab (no pagehide) leaves the engine through its Web Lock; the others go on', async () => {
    const tabs = await harnessTabs(rig, relay, 'crashed-tab', { count: 3, query: shared, users: people })
    const [a, b, c] = tabs.pages as [Page, Page, Page]
    try {
      for (const page of tabs.pages)
        await waitInPage(page, 'all present', () => window.tandemHarness.users().length === 3)
      await c.evaluate(() => window.tandemHarness.append('from Cy. '))
      await waitInPage(a, 'A has Cy’s edit', () => window.tandemHarness.text() === 'from Cy. ')
      const cdp = await c.context().newCDPSession(c)
      // The answer to Page.crash never comes: the page it would come from is gone.
      void cdp.send('Page.crash').catch(() => {})
      // Cy's awareness state is removed by the relay only if the engine unsubscribed the crashed
      // tab's channel, and it learns of the crash only from the released lock.
      for (const page of [a, b])
        await waitInPage(page, 'Cy has left', () => !window.tandemHarness.users().includes('Cy'), 20_000)
      await a.evaluate(() => window.tandemHarness.append('from Ada.'))
      await waitInPage(b, 'B has both edits', () => window.tandemHarness.text() === 'from Cy. from Ada.')
      await waitInPage(b, 'B is saved', () => window.tandemHarness.status().state === 'saved')
      expect(connections()).toBe(1)
      // A new tab after the crash joins the same engine and the same socket.
      const d = await rig.openTab(a.context(), relay.url)
      await d.goto(`${rig.web.origin}/?${new URLSearchParams({ relay: relay.url, ...shared })}`)
      await d.waitForFunction(() => Boolean(window.tandemHarness), null, { timeout: 10_000 })
      expect(await openHarnessDoc(d, 'crashed-tab', people[2])).toBe('from Cy. from Ada.')
      await waitInPage(a, 'the new tab is present', () => window.tandemHarness.users().includes('Cy'))
      expect(await users(d)).toEqual(['Ada', 'Bob', 'Cy'])
      expect(connections()).toBe(1)
    } finally {
      await tabs.close()
    }
  })
})
