import { expectConverged } from '@tandem/testing/browser'
import type { Editor } from '@tiptap/core'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { E2eRig, editorText, status, waitForSaved } from './e2eRig.ts'

let rig: E2eRig
beforeAll(async () => {
  rig = await E2eRig.start()
})
afterAll(() => rig?.close())

it('offline concurrent edits on two devices merge with nothing lost, and only then show saved', async () => {
  const a = await rig.open(await rig.device('a'), 'merge', 'Ann')
  const b = await rig.open(await rig.device('b'), 'merge', 'Bob')
  await a.locator('.ProseMirror').click()
  await a.keyboard.type('middle')
  await expect.poll(() => editorText(b), { timeout: 10_000 }).toBe('middle')
  await waitForSaved(a)
  await waitForSaved(b)

  await rig.stopServer()
  // The caret is placed through the editor (not Ctrl+Home/End, which a loaded machine can
  // deliver out of step with the typing); the text itself is typed key by key. Tiptap's
  // focus command moves DOM focus only on the next animation frame, so a key typed at once
  // could land outside the editor: focus the view now and check it took.
  const caretTo = async (page: Page, where: 'start' | 'end') => {
    const focused = await page.evaluate((w) => {
      const { editor } = (window as unknown as { tandemPage: { editor: Editor } }).tandemPage
      editor.commands.focus(w)
      editor.view.focus()
      return editor.view.hasFocus()
    }, where)
    expect(focused, `the editor of ${page.url()} took focus`).toBe(true)
  }
  await caretTo(a, 'start')
  await a.keyboard.type('A-start ')
  await caretTo(a, 'end')
  await a.keyboard.press('Enter')
  await a.keyboard.type('A paragraph')
  await caretTo(b, 'end')
  await b.keyboard.type(' B-end')
  await caretTo(b, 'end')
  await b.keyboard.press('Enter')
  await b.keyboard.type('B paragraph')
  for (const page of [a, b]) {
    await expect.poll(async () => (await status(page)).state, { timeout: 40_000 }).not.toBe('saved')
    expect((await status(page)).pending).toBeGreaterThan(0)
  }
  // Offline, each device sees only its own edits.
  expect(await editorText(a)).not.toContain('B-end')

  await rig.startServer()
  await waitForSaved(a)
  await waitForSaved(b)
  const text = await expectConverged([a, b], editorText, { timeoutMs: 20_000 })
  for (const part of ['A-start middle B-end', 'A paragraph', 'B paragraph']) expect(text).toContain(part)
})

it('two tabs of one browser keep syncing while the server is down', async () => {
  const device = await rig.device('tabs')
  const one = await rig.open(device, 'tabs', 'Tab')
  const two = await rig.open(device, 'tabs', 'Tab')
  await waitForSaved(one)
  await rig.stopServer()
  await one.locator('.ProseMirror').click()
  await one.keyboard.type('typed in tab one')
  await expect.poll(() => editorText(two), { timeout: 10_000 }).toBe('typed in tab one')
  await two.locator('.ProseMirror').click()
  await two.keyboard.press('Control+End')
  await two.keyboard.type(', answered in tab two')
  await expect.poll(() => editorText(one), { timeout: 10_000 }).toBe('typed in tab one, answered in tab two')
  expect((await status(one)).state).not.toBe('saved')
  await rig.startServer()
  await waitForSaved(one)
  await waitForSaved(two)
})

it('reloads with the server down: the service worker opens the app and IndexedDB the content', async () => {
  const device = await rig.device('reload')
  const page = await rig.open(device, 'reload', 'Ann')
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.locator('.ProseMirror').click()
  await page.keyboard.type('kept on this device')
  await waitForSaved(page)
  await rig.stopServer()
  await page.reload()
  await page.locator('.ProseMirror').waitFor({ timeout: 15_000 })
  await expect.poll(() => editorText(page), { timeout: 10_000 }).toBe('kept on this device')
  expect(['offline', 'connecting']).toContain((await status(page)).state)
  await rig.startServer()
  await waitForSaved(page)
})
