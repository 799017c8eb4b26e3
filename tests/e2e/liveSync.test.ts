import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { repoRoot } from '../helpers/serverProcess.ts'
import { E2eRig, editorText, waitForSaved } from './e2eRig.ts'

let rig: E2eRig
beforeAll(async () => {
  rig = await E2eRig.start()
})
afterAll(() => rig?.close())

it('syncs live between two devices and shows the remote caret with name and colour', async () => {
  const ann = await rig.open(await rig.device('ann'), 'live', 'Ann', '#4363d8')
  const bob = await rig.open(await rig.device('bob'), 'live', 'Bob', '#f58231')
  await ann.locator('.ProseMirror').click()
  await ann.keyboard.type('Ann writes the first line.')
  await bob.locator('.ProseMirror').click()
  await bob.keyboard.press('Control+End')
  await bob.keyboard.type(' Bob adds to it.')
  const both = 'Ann writes the first line. Bob adds to it.'
  await expect.poll(() => editorText(ann), { timeout: 10_000 }).toBe(both)
  await expect.poll(() => editorText(bob), { timeout: 10_000 }).toBe(both)
  // Each sees the other's caret, labelled with the other's name.
  await bob.locator('.collaboration-carets__label', { hasText: 'Ann' }).waitFor({ timeout: 10_000 })
  await ann.locator('.collaboration-carets__label', { hasText: 'Bob' }).waitFor({ timeout: 10_000 })
  const color = await ann
    .locator('.collaboration-carets__label', { hasText: 'Bob' })
    .evaluate((el) => getComputedStyle(el).backgroundColor)
  expect(color).not.toBe('rgba(0, 0, 0, 0)')
  // Both list each other as present.
  await ann.locator('.tandem-presence li[data-tandem-user="Bob"]').waitFor()
  await waitForSaved(ann)
  await waitForSaved(bob)
  // The README's picture is made here, from the real thing; a test run must not dirty the
  // checkout, so it is refreshed only on request (UPDATE_SCREENSHOTS=1).
  const picture = process.env.UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs') : join(repoRoot, '.tmp')
  await ann.screenshot({ path: join(picture, 'two-users.png') })
})

it('three tabs of one browser share one socket (the SharedWorker engine); a second browser has its own', async () => {
  const connections = async () => {
    const text = await (await fetch(`${rig.http}/metrics`)).text()
    return Number(/^tandem_connections (\d+)$/m.exec(text)?.[1] ?? Number.NaN)
  }
  const before = await connections()
  expect(before).toBeGreaterThanOrEqual(0)
  const device = await rig.device('tabs')
  const tabs = [
    await rig.open(device, 'engine', 'Ann'),
    await rig.open(device, 'engine', 'Ann'),
    await rig.open(device, 'engine', 'Ann'),
  ]
  const other = await rig.open(await rig.device('other'), 'engine', 'Bob')
  await tabs[0]!.locator('.ProseMirror').click()
  await tabs[0]!.keyboard.type('one socket.')
  for (const page of [...tabs, other])
    await expect.poll(() => editorText(page), { timeout: 10_000 }).toBe('one socket.')
  for (const page of [...tabs, other]) await waitForSaved(page)
  expect(await connections()).toBe(before + 2)
})

it('undo takes back only my own changes', async () => {
  const ann = await rig.open(await rig.device('ann-undo'), 'undo', 'Ann')
  const bob = await rig.open(await rig.device('bob-undo'), 'undo', 'Bob')
  await ann.locator('.ProseMirror').click()
  await ann.keyboard.type('mine')
  await expect.poll(() => editorText(bob), { timeout: 10_000 }).toBe('mine')
  await bob.locator('.ProseMirror').click()
  await bob.keyboard.press('Control+End')
  await bob.keyboard.type(' theirs')
  await expect.poll(() => editorText(ann), { timeout: 10_000 }).toBe('mine theirs')
  await ann.locator('.ProseMirror').click()
  await ann.keyboard.press('Control+z')
  await expect.poll(() => editorText(ann), { timeout: 10_000 }).toBe(' theirs')
  await expect.poll(() => editorText(bob), { timeout: 10_000 }).toBe(' theirs')
})

it('embeds with one element: <tandem-editor> syncs and carries the status contract', async () => {
  const device = await rig.device('embed')
  const page = await device.newPage()
  await page.goto(`${rig.http}/embed.html`)
  await page.locator('tandem-editor .ProseMirror').click()
  await page.keyboard.type('typed into the embedded editor')
  await waitForSaved(page)
  expect(await page.locator('[data-tandem-pending]').getAttribute('data-tandem-pending')).toBe('0')
  const other = await rig.open(await rig.device('embed-reader'), 'embedded', 'Reader')
  await expect.poll(() => editorText(other), { timeout: 10_000 }).toBe('typed into the embedded editor')
})
