// The five conflict recipes of docs/testing.md against this app, with the fixtures only.
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import {
  test as base,
  expectConverged,
  expectNoLostEdits,
  expectPending,
  expectSaved,
} from '@tandem/testing/playwright'

const dist = fileURLToPath(new URL('../dist', import.meta.url))
const test = base.extend({
  // The relay serves the built app too, so a tab's page and socket share one origin.
  relayOptions: { args: ['--static', dist] },
  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern
  appUrl: async ({}, use) => {
    await use((relay) => `${relay.replace(/^ws/, 'http')}/index.html?server=${encodeURIComponent(relay)}`)
  },
})

const ready = "document.querySelector('[data-testid=editor] .ProseMirror') !== null"
const editor = (page: Page) => page.locator('[data-testid=editor] .ProseMirror')
// The document's text without other users' carets (their name labels sit inside the editor).
const read = (page: Page) =>
  editor(page).evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement
    for (const caret of copy.querySelectorAll('[class*=caret]')) caret.remove()
    return copy.textContent ?? ''
  })
const type = async (page: Page, text: string) => {
  await editor(page).click()
  await page.keyboard.type(text)
}
const tasks = (page: Page) => page.locator('li').allInnerTexts()

test('two tabs offline, then online', async ({ tabs, network }) => {
  const [a, b] = await tabs({ count: 2, ready })
  await expectSaved(a)
  await network.offline(a)
  await network.offline(b)
  await type(a, 'from A ')
  await type(b, 'from B ')
  await network.online(a)
  await network.online(b)
  await expectNoLostEdits([a, b], read, ['from A', 'from B'])
  await expectConverged([a, b], read)
  await expectSaved(a)
  await expectSaved(b)
})

test('two devices edit one record field', async ({ tabs, network }) => {
  const [a, b] = await tabs({ count: 2, contexts: 'separate', ready })
  await a.getByPlaceholder('New task').fill('shared task')
  await a.getByPlaceholder('New task').press('Enter')
  await expectConverged([a, b], tasks)
  await network.offline(a)
  await a.getByRole('checkbox').check()
  await b.getByRole('checkbox').check()
  await b.getByRole('checkbox').uncheck()
  await network.online(a)
  const done = (page: Page) => page.getByRole('checkbox').isChecked()
  await expectConverged([a, b], done)
  await expectSaved(a)
})

test('kill -9 after saved', async ({ tabs, relay }) => {
  const [a] = await tabs({ count: 1, ready })
  await type(a, 'kept')
  await expectSaved(a)
  await relay.kill()
  await relay.restart()
  const [fresh] = await tabs({ count: 1, contexts: 'separate', ready })
  await expectNoLostEdits([fresh], read, ['kept'])
})

test('a frozen server never shows saved', async ({ tabs, relay }) => {
  const [a] = await tabs({ count: 1, ready })
  await expectSaved(a)
  relay.freeze()
  await type(a, 'x')
  await expectPending(a, 1, { holdMs: 1_000 })
  relay.thaw()
  await expectSaved(a)
})

test('reload offline', async ({ tabs, network }) => {
  const [a] = await tabs({ count: 1, ready })
  await expectSaved(a)
  await network.offline(a)
  await type(a, 'offline edit')
  await a.reload()
  await a.waitForFunction(ready)
  await expectNoLostEdits([a], read, ['offline edit'])
  await network.online(a)
  await expectSaved(a)
})
