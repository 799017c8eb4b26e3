// Recipes from docs/testing.md, written with the @playwright/test fixtures only, against the
// browser harness page and a real tandem-server process (run from sources via the dev bin).
import { fileURLToPath } from 'node:url'
import {
  expectConverged,
  expectNoLostEdits,
  expectPending,
  expectSaved,
  test as tandemTest,
} from '@tandem/testing/playwright'
import type { Page } from 'playwright-core'
import { bundlePage } from '../browser/support/bundlePage.ts'
import { startStaticServer } from '../browser/support/staticServer.ts'

const HARNESS = fileURLToPath(new URL('../browser/harness/harness.ts', import.meta.url))
const text = (page: Page) => page.evaluate(() => window.tandemHarness.text())
const open = (pages: Page[], doc: string) =>
  Promise.all(pages.map((p) => p.evaluate((d) => window.tandemHarness.open({ doc: d }), doc)))
const ready = 'Boolean(window.tandemHarness)'

const test = tandemTest.extend<object, { harnessOrigin: string }>({
  harnessOrigin: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
    async ({}, use) => {
      const { dir } = await bundlePage(HARNESS, 'tandem harness')
      const web = await startStaticServer(dir)
      await use(web.origin)
      await web.close()
    },
    { scope: 'worker' },
  ],
  relayOptions: { bin: fileURLToPath(new URL('../../server/bin/tandem-server-dev.mjs', import.meta.url)) },
  appUrl: async ({ harnessOrigin }, use) => {
    await use((relayUrl) => `${harnessOrigin}/?relay=${encodeURIComponent(relayUrl)}`)
  },
})

test('two tabs offline, then online: both edits everywhere, saved', async ({ tabs, network }) => {
  const [a, b] = (await tabs({ count: 2, ready })) as [Page, Page]
  await open([a, b], 'two-tabs')
  await expectSaved(a)
  await network.offline(a)
  await network.offline(b)
  await a.evaluate(() => window.tandemHarness.append('[a]'))
  await b.evaluate(() => window.tandemHarness.append('[b]'))
  await network.online(a)
  await network.online(b)
  await expectNoLostEdits([a, b], text, ['[a]', '[b]'])
  await expectConverged([a, b], text)
  await expectSaved(a)
  await expectSaved(b)
})

test('kill -9 after saved: a fresh device gets the edit from the restarted relay', async ({ tabs, relay }) => {
  const [a] = (await tabs({ count: 1, ready })) as [Page]
  await open([a], 'kill')
  await a.evaluate(() => window.tandemHarness.append('[kept]'))
  await expectSaved(a)
  await relay.kill()
  await relay.restart()
  const [fresh] = (await tabs({ count: 1, contexts: 'separate', ready })) as [Page]
  await open([fresh], 'kill')
  await expectNoLostEdits([fresh], text, ['[kept]'])
})

test('a frozen relay never shows saved', async ({ tabs, relay }) => {
  const [a] = (await tabs({ count: 1, ready })) as [Page]
  await open([a], 'frozen')
  await expectSaved(a)
  relay.freeze()
  await a.evaluate(() => window.tandemHarness.append('[wait]'))
  await expectPending(a, 1, { holdMs: 1_000 })
  relay.thaw()
  await expectSaved(a)
})

test('reload offline: the edit survives in the tab, then reaches the relay', async ({ tabs, network }) => {
  const [a] = (await tabs({ count: 1, ready })) as [Page]
  await open([a], 'reload')
  await expectSaved(a)
  await network.offline(a)
  await a.evaluate(() => window.tandemHarness.append('[offline]'))
  await a.reload()
  await a.waitForFunction(ready)
  await open([a], 'reload')
  await expectNoLostEdits([a], text, ['[offline]'])
  await network.online(a)
  await expectSaved(a)
})
