// Background Sync in Chromium: the playground's service worker sends what a device holds for
// the relay (a document's offline edit, a record written offline) after every page of the app
// is closed. The sync is fired through the DevTools protocol (ServiceWorker.dispatchSyncEvent),
// as the browser would once the network is back; the only page left is about:blank.
import type { CDPSession } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Y from 'yjs'
import { boardCollection } from '../../playground/src/recordsBoard.ts'
import { waitUntil } from '../helpers/wait.ts'
import { E2eRig, editorText, waitForSaved } from './e2eRig.ts'

let rig: E2eRig
beforeAll(async () => {
  rig = await E2eRig.start()
})
afterAll(() => rig?.close())

/** The document's text on the relay (the editor's XML fragment, tags stripped). */
async function relayText(doc: string): Promise<string> {
  const res = await fetch(`${rig.http}/v1/docs/${encodeURIComponent(doc)}`)
  const d = new Y.Doc()
  Y.applyUpdate(d, new Uint8Array(await res.arrayBuffer()))
  return d
    .getXmlFragment('default')
    .toString()
    .replace(/<[^>]+>/g, '')
}

async function relayTitles(collection: string): Promise<string[]> {
  const res = await fetch(`${rig.http}/v1/records/${collection}`)
  const page = (await res.json()) as { changes: { fields: { title?: { value: string } } }[] }
  return page.changes.map((r) => r.fields.title?.value ?? '')
}

/** The id of the origin's service worker registration, from the DevTools protocol. */
async function registrationId(cdp: CDPSession, origin: string): Promise<string> {
  let id = ''
  cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
    for (const r of registrations as { registrationId: string; scopeURL: string; isDeleted: boolean }[])
      if (r.scopeURL.startsWith(origin) && !r.isDeleted) id = r.registrationId
  })
  await cdp.send('ServiceWorker.enable')
  await waitUntil('the registration is reported', () => id !== '')
  return id
}

it('sends offline edits and records with every page closed, when the sync fires', async () => {
  const doc = 'background'
  const device = await rig.device('bg')
  // A socket per tab: the offline device below is Playwright's emulation (see E2eRig.open).
  const page = await rig.open(device, doc, 'Ann', undefined, 'tab')
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.locator('.ProseMirror').click()
  await page.keyboard.type('online part.')
  await waitForSaved(page)
  await page.locator('[data-testid="records-board"] > summary').click()

  await device.setOffline(true)
  // The caret to the end through the editor, then typed key by key (see offline.test.ts).
  expect(
    await page.evaluate(() => {
      const { editor } = (window as unknown as { tandemPage: { editor: import('@tiptap/core').Editor } }).tandemPage
      editor.commands.focus('end')
      editor.view.focus()
      return editor.view.hasFocus()
    }),
  ).toBe(true)
  await page.keyboard.type(' offline part.')
  const input = page.getByTestId('task-new-title')
  await input.fill('written offline')
  await input.press('Enter')
  // Both are on the device (committed in IndexedDB), neither on the relay.
  await page.waitForFunction(
    () => {
      const { handle } = (
        window as unknown as { tandemPage: { handle: { progress(): { last: number; stored: number } } } }
      ).tandemPage
      const p = handle.progress()
      return p.stored === p.last && p.last > 0
    },
    null,
    { timeout: 15_000 },
  )
  await page.locator('[data-testid="records-status"]:not([data-pending="0"])').waitFor({ timeout: 15_000 })
  expect(await editorText(page)).toBe('online part. offline part.')
  expect(await relayText(doc)).toBe('online part.')

  // A page outside the app hosts the DevTools session; every page of the app goes away.
  const blank = await device.newPage()
  const cdp = await device.newCDPSession(blank)
  const origin = new URL(rig.http).origin
  const registration = await registrationId(cdp, origin)
  await page.close()
  await device.setOffline(false)
  await cdp.send('ServiceWorker.dispatchSyncEvent', {
    origin,
    registrationId: registration,
    tag: 'tandem-flush',
    lastChance: false,
  })
  await waitUntil(
    'the relay has the offline edit',
    async () => (await relayText(doc)) === 'online part. offline part.',
    {
      timeoutMs: 20_000,
      intervalMs: 200,
    },
  )
  await waitUntil(
    'the relay has the offline record',
    async () => (await relayTitles(boardCollection(doc))).includes('written offline'),
    { timeoutMs: 20_000, intervalMs: 200 },
  )
  // The next open finds nothing lost and says saved.
  const again = await rig.open(device, doc, 'Ann')
  await waitForSaved(again)
  expect(await editorText(again)).toBe('online part. offline part.')
}, 120_000)
