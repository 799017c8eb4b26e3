// The framework-agnostic core of @tandem/testing/playwright, checked in real Chromium against a
// real tandem-server process. Each fixture's check is run once against a planted bug too (a
// page whose status says saved before the ack, a relay link that drops one update), and must fail.
import { fileURLToPath } from 'node:url'
import {
  expectConverged,
  expectNoLostEdits,
  expectPending,
  expectSaved,
  openTabs,
  type RelayProcess,
  type StatusReader,
  startRelayProcess,
  type TandemNetwork,
  tandemNetwork,
} from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig } from './support/browserRig.ts'

const devBin = fileURLToPath(new URL('../../server/bin/tandem-server-dev.mjs', import.meta.url))
const status: StatusReader = (page) => page.evaluate(() => window.tandemHarness.status())
const text = (page: Page) => page.evaluate(() => window.tandemHarness.text())
const quick = { timeoutMs: 2_000 }

let rig: BrowserRig
let relay: RelayProcess
let network: TandemNetwork

beforeAll(async () => {
  rig = await startBrowserRig()
  relay = await startRelayProcess({ bin: devBin })
  network = tandemNetwork(() => relay.url)
})

afterAll(async () => {
  await relay?.close()
  await rig?.close()
})

async function tabsOn(doc: string, contexts: 'shared' | 'separate', net = network) {
  const tabs = await openTabs(rig.browser, `${rig.web.origin}/?relay=${encodeURIComponent(relay.url)}`, {
    contexts,
    network: net,
    ready: 'Boolean(window.tandemHarness)',
  })
  for (const page of tabs.pages) await page.evaluate((d) => window.tandemHarness.open({ doc: d }), doc)
  return tabs
}

describe('@tandem/testing/playwright in Chromium', () => {
  it('network.offline cuts one tab’s relay socket; online brings the edits together', async () => {
    const tabs = await tabsOn('fx-offline', 'separate')
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await expectSaved(a, { status })
      await network.offline(a)
      await a.evaluate(() => window.tandemHarness.append('[a-offline]'))
      await b.evaluate(() => window.tandemHarness.append('[b-online]'))
      await expectSaved(b, { status })
      await expectPending(a, 1, { status, holdMs: 300 })
      // Offline means offline: B never sees A's edit while the switch is off.
      await expect(expectNoLostEdits([b], text, ['[a-offline]'], quick)).rejects.toThrow(/misses/)
      await network.online(a)
      await expectNoLostEdits([a, b], text, ['[a-offline]', '[b-online]'])
      await expectConverged([a, b], text)
      await expectSaved(a, { status })
    } finally {
      await tabs.close()
    }
  })

  it('relay.freeze keeps a tab pending; a page that says saved before the ack fails expectPending', async () => {
    const tabs = await tabsOn('fx-freeze', 'shared')
    const [a] = tabs.pages as [Page]
    try {
      await expectSaved(a, { status })
      relay.freeze()
      await a.evaluate(() => window.tandemHarness.append('[frozen]'))
      await expectPending(a, 1, { status, holdMs: 500 })
      // The planted bug: a build whose status turns saved as soon as the edit is made.
      const eager: StatusReader = async () => ({ state: 'saved', pending: 0 })
      await expect(expectPending(a, 1, { status: eager, ...quick })).rejects.toThrow(/pending/)
      relay.thaw()
      await expectSaved(a, { status })
    } finally {
      relay.thaw()
      await tabs.close()
    }
  })

  it('relay.kill is a kill -9 after saved: the restarted relay still has the edit', async () => {
    const tabs = await tabsOn('fx-kill', 'separate')
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await a.evaluate(() => window.tandemHarness.append('[before-kill]'))
      await expectSaved(a, { status })
      await relay.kill()
      await b.close()
      await a.evaluate(() => window.tandemHarness.append('[while-dead]'))
      await expect(expectSaved(a, { status, ...quick })).rejects.toThrow(/pending/)
      await relay.restart()
      await expectSaved(a, { status })
      // A fresh device loads everything from the restarted relay alone.
      const fresh = await tabsOn('fx-kill', 'separate')
      try {
        await expectNoLostEdits(fresh.pages, text, ['[before-kill]', '[while-dead]'])
      } finally {
        await fresh.close()
      }
    } finally {
      await tabs.close()
    }
  })

  it('expectConverged and expectNoLostEdits fail when the relay link drops one update', async () => {
    // The planted bug: the link to the relay loses the first frame carrying B's edit.
    let dropped = false
    const lossy: TandemNetwork = {
      ...network,
      attach: (page) =>
        page.routeWebSocket(
          (url) => url.href.startsWith(relay.url),
          (ws) => {
            const server = ws.connectToServer()
            server.onMessage((m) => {
              if (!dropped && typeof m !== 'string' && m.includes('[dropped]')) dropped = true
              else ws.send(m)
            })
          },
        ),
    }
    const tabs = await tabsOn('fx-drop', 'separate', lossy)
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await expectSaved(a, { status })
      await expectSaved(b, { status })
      await b.evaluate(() => window.tandemHarness.append('[dropped]'))
      await expectSaved(b, { status })
      await expect(expectConverged([a, b], text, quick)).rejects.toThrow(/converge/)
      await expect(expectNoLostEdits([a, b], text, ['[dropped]'], quick)).rejects.toThrow(/tab 0 misses/)
      expect(dropped).toBe(true)
    } finally {
      await tabs.close()
    }
  })
})
