// The framework-agnostic core of @tandem/testing/playwright, checked in real Chromium against a
// real tandem-server process, with the default status reader (the harness page exposes
// `window.tandemStatus()` as an app would). Each check also runs against a planted bug and
// must fail: a page build whose status says saved before the server's ack, and a relay link
// that drops one update.
import {
  expectConverged,
  expectNoLostEdits,
  expectPending,
  expectSaved,
  type RelayProcess,
  type TandemNetwork,
  tandemNetwork,
} from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig } from './support/browserRig.ts'
import { harnessTabs, openHarnessDoc, startDevRelay, harnessText as text } from './support/harnessTabs.ts'
import { serverText } from './support/testRelay.ts'

const quick = { timeoutMs: 2_000 }

let rig: BrowserRig
let relay: RelayProcess
let network: TandemNetwork

beforeAll(async () => {
  rig = await startBrowserRig()
  relay = await startDevRelay()
  network = tandemNetwork(() => relay.url)
})

afterAll(async () => {
  await relay?.close()
  await rig?.close()
})

describe('@tandem/testing/playwright in Chromium', () => {
  it('network.offline cuts one tab’s relay socket; online brings the edits together', async () => {
    const tabs = await harnessTabs(rig, relay, 'fx-offline', { contexts: 'separate', network })
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await expectSaved(a)
      await network.offline(a)
      await a.evaluate(() => window.tandemHarness.append('[a-offline]'))
      await b.evaluate(() => window.tandemHarness.append('[b-online]'))
      await expectSaved(b)
      await expectPending(a, 1, { holdMs: 300 })
      // Only the socket is cut: the page itself still thinks it is online.
      expect(await a.evaluate(() => navigator.onLine)).toBe(true)
      // Offline means offline: B never sees A's edit while the switch is off.
      await expect(expectNoLostEdits([b], text, ['[a-offline]'], quick)).rejects.toThrow(/misses/)
      await network.online(a)
      await expectNoLostEdits([a, b], text, ['[a-offline]', '[b-online]'])
      await expectConverged([a, b], text)
      await expectSaved(a)
    } finally {
      await tabs.close()
    }
  })

  it("network.offline(page, 'page') takes the whole context offline, as the OS would", async () => {
    const tabs = await harnessTabs(rig, relay, 'fx-page-offline', { contexts: 'separate', network })
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await expectSaved(a)
      await network.offline(a, 'page')
      expect(await a.evaluate(() => navigator.onLine)).toBe(false)
      await a.evaluate(() => window.tandemHarness.append('[page-offline]'))
      await expectPending(a, 1, { holdMs: 300 })
      await expect(expectNoLostEdits([b], text, ['[page-offline]'], quick)).rejects.toThrow(/misses/)
      await network.online(a)
      expect(await a.evaluate(() => navigator.onLine)).toBe(true)
      await expectNoLostEdits([a, b], text, ['[page-offline]'])
      await expectSaved(a)
    } finally {
      await tabs.close()
    }
  })

  it('tabs.open adds a tab in the same browser; tabs.close closes every tab it opened', async () => {
    const tabs = await harnessTabs(rig, relay, 'fx-more-tabs', { count: 1, network })
    const [a] = tabs.pages as [Page]
    try {
      const extra = await tabs.open()
      expect(extra.context()).toBe(a.context())
      await openHarnessDoc(extra, 'fx-more-tabs')
      // One browser: with the relay link of both cut, the edit crosses between the tabs.
      await network.offline(a)
      await network.offline(extra)
      await extra.evaluate(() => window.tandemHarness.append('[from the extra tab]'))
      await expectNoLostEdits([a, extra], text, ['[from the extra tab]'])
      await network.online(a)
      await network.online(extra)
      await expectSaved(a)
      await expectSaved(extra)
    } finally {
      await tabs.close()
    }
    expect(tabs.pages.every((p) => p.isClosed())).toBe(true)
  })

  it('relay.freeze keeps a tab pending; a build that says saved before the ack fails expectPending', async () => {
    const honest = await harnessTabs(rig, relay, 'fx-freeze', { count: 1 })
    const planted = await harnessTabs(rig, relay, 'fx-freeze-planted', {
      count: 1,
      query: { plant: 'saved-before-ack' },
    })
    const [a] = honest.pages as [Page]
    const [bug] = planted.pages as [Page]
    try {
      await expectSaved(a)
      await expectSaved(bug)
      relay.freeze()
      await a.evaluate(() => window.tandemHarness.append('[frozen]'))
      await bug.evaluate(() => window.tandemHarness.append('[frozen]'))
      await expectPending(a, 1, { holdMs: 500 })
      await expect(expectPending(bug, 1, quick)).rejects.toThrow(/pending/)
      relay.thaw()
      await expectSaved(a)
    } finally {
      relay.thaw()
      await honest.close()
      await planted.close()
    }
  })

  it('relay.kill is a kill -9 after saved; relay.stop a clean stop: the restarted relay has every edit', async () => {
    const tabs = await harnessTabs(rig, relay, 'fx-kill', { contexts: 'separate' })
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await a.evaluate(() => window.tandemHarness.append('[before-kill]'))
      await expectSaved(a)
      await relay.kill()
      await b.close()
      await a.evaluate(() => window.tandemHarness.append('[while-dead]'))
      await expect(expectSaved(a, quick)).rejects.toThrow(/pending/)
      await relay.restart()
      await expectSaved(a)
      expect(await relay.stop()).toEqual({ code: 0, signal: null })
      await relay.restart()
      expect(await serverText(relay.url, 'fx-kill')).toBe('[before-kill][while-dead]')
      // A fresh device loads everything from the restarted relay alone.
      const fresh = await harnessTabs(rig, relay, 'fx-kill', { count: 1, contexts: 'separate' })
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
    // The planted bug: the link from the relay loses the first frame carrying B's edit.
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
    const tabs = await harnessTabs(rig, relay, 'fx-drop', { contexts: 'separate', network: lossy })
    const [a, b] = tabs.pages as [Page, Page]
    try {
      await expectSaved(a)
      await expectSaved(b)
      await b.evaluate(() => window.tandemHarness.append('[dropped]'))
      await expectSaved(b)
      await expect(expectConverged([a, b], text, quick)).rejects.toThrow(/converge/)
      await expect(expectNoLostEdits([a, b], text, ['[dropped]'], quick)).rejects.toThrow(/tab 0 misses/)
      expect(dropped).toBe(true)
    } finally {
      await tabs.close()
    }
  })
})
