// The playground's History panel, driven as a person would: versions appear while Ann types,
// Bob rewrites a word, a preview shows the old content (with what each version added and removed
// highlighted in its author's colour), Ann names the current state, then restores the first
// version, and Bob's page shows it too. Demo tokens
// (--dev) make the authors real names; versions are taken after 300 ms without a change, and
// each edit is inserted in one go (one transaction), so it makes exactly one version.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { repoRoot } from '../helpers/serverProcess.ts'
import { E2eRig, editorText, waitForSaved } from './e2eRig.ts'

let rig: E2eRig
beforeAll(async () => {
  rig = await E2eRig.start(['--dev', '--history-quiet-ms', '300'])
})
afterAll(() => rig?.close())

const versions = (page: Page) => page.getByTestId('history-version')
const labels = (page: Page) => versions(page).locator('.history__label').allTextContents()

async function openHistory(page: Page): Promise<void> {
  // The inspector starts unfolded; fold it so the panel is in view.
  await page.locator('.side details:first-child > summary').click()
  await page.locator('[data-testid="history-panel"] > summary').click()
}

it('lists versions as edits happen, previews an old one, names one, and restores it for everyone', async () => {
  const ann = await rig.open(await rig.device('ann'), 'history', 'Ann', '#4363d8')
  await openHistory(ann)
  await ann.locator('.ProseMirror').click()
  await ann.keyboard.insertText('First draft.')
  await waitForSaved(ann)
  await expect.poll(() => versions(ann).count(), { timeout: 15_000 }).toBe(1)
  await ann.keyboard.insertText(' Second thoughts.')
  await waitForSaved(ann)
  await expect.poll(() => versions(ann).count(), { timeout: 15_000 }).toBe(2)
  // Newest first; the author chip carries the demo token's name.
  expect(await labels(ann)).toEqual(['Version 2', 'Version 1'])
  expect(await versions(ann).first().locator('.history__author').allTextContents()).toEqual(['Ann'])

  const bob = await rig.open(await rig.device('bob'), 'history', 'Bob', '#f58231')
  await expect.poll(() => editorText(bob), { timeout: 10_000 }).toBe('First draft. Second thoughts.')
  // Bob rewrites the last word: a version of his, with a removal and an addition.
  await bob.locator('.ProseMirror').click()
  await bob.keyboard.press('Control+End')
  for (let i = 0; i < 'thoughts.'.length; i++) await bob.keyboard.press('Shift+ArrowLeft')
  await bob.keyboard.insertText('guesses.')
  await waitForSaved(bob)
  await expect.poll(() => versions(ann).count(), { timeout: 15_000 }).toBe(3)
  expect(await versions(ann).first().locator('.history__author').allTextContents()).toEqual(['Bob'])
  await expect.poll(() => editorText(ann), { timeout: 10_000 }).toBe('First draft. Second guesses.')

  // The first version shows the old content, all of it added by that version.
  await versions(ann).last().locator('.history__open').click()
  const text = ann.getByTestId('history-preview-text')
  await expect.poll(() => text.textContent(), { timeout: 10_000 }).toBe('First draft.')
  expect(await text.locator('ins').allTextContents()).toEqual(['First draft.'])
  // The second version highlights only what it added.
  await versions(ann).filter({ hasText: 'Version 2' }).locator('.history__open').click()
  await expect.poll(() => text.locator('ins').allTextContents(), { timeout: 10_000 }).toEqual([' Second thoughts.'])
  expect(await text.textContent()).toBe('First draft. Second thoughts.')

  await ann.getByTestId('history-name').fill('Before the restore')
  await ann.getByTestId('history-save').click()
  await expect.poll(() => labels(ann), { timeout: 10_000 }).toContain('Before the restore')
  // Bob's version: what he removed and what he added, in his caret's colour.
  await versions(ann).filter({ hasText: 'Version 3' }).locator('.history__open').click()
  await expect.poll(() => text.locator('del').allTextContents(), { timeout: 10_000 }).toEqual(['thoughts.'])
  expect(await text.locator('ins').allTextContents()).toEqual(['guesses.'])
  expect(await text.locator('ins').evaluate((e) => getComputedStyle(e).borderBottomColor)).toBe('rgb(245, 130, 49)')
  // The README's picture of the panel; refreshed in docs/ only on request, like two-users.png.
  const picture = process.env.UPDATE_SCREENSHOTS === '1' ? join(repoRoot, 'docs') : join(repoRoot, '.tmp')
  await ann.screenshot({ path: join(picture, 'history-panel.png') })

  // Restore asks first: one click arms it, the second restores.
  await versions(ann).filter({ hasText: 'Version 1' }).locator('.history__open').click()
  await expect.poll(() => text.textContent(), { timeout: 10_000 }).toBe('First draft.')
  const restore = ann.getByTestId('history-restore')
  await restore.click()
  expect(await editorText(ann)).toBe('First draft. Second guesses.')
  await expect.poll(() => restore.textContent()).toContain('for everyone?')
  await restore.click()
  await expect.poll(() => editorText(ann), { timeout: 10_000 }).toBe('First draft.')
  await expect.poll(() => editorText(bob), { timeout: 10_000 }).toBe('First draft.')
  await expect
    .poll(() => labels(ann), { timeout: 10_000 })
    .toContainEqual(expect.stringMatching(/^Restored version \d+$/))
  // Bob keeps editing on top of the restored content.
  await bob.locator('.ProseMirror').click()
  await bob.keyboard.press('Control+End')
  await bob.keyboard.insertText(' Bob again.')
  await expect.poll(() => editorText(ann), { timeout: 10_000 }).toBe('First draft. Bob again.')
})
