// The playground's records board on two devices that edit one task while the relay is down:
// edits of different fields both survive the merge (field-level last writer wins), edits of
// the same field end identical on both, and the device whose value lost sees it in its
// conflict log. All edits go through the board's UI (click, type, select).
import type { BrowserContext, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { boardCollection } from '../../playground/src/recordsBoard.ts'
import { E2eRig } from './e2eRig.ts'

let rig: E2eRig
beforeAll(async () => {
  rig = await E2eRig.start()
})
afterAll(() => rig?.close())

/** Opens the document and unfolds its records board. */
async function openBoard(doc: string, device: string, user: string): Promise<Page> {
  const page = await rig.open(await rig.device(device), doc, user)
  await page.locator('[data-testid="records-board"] > summary').click()
  return page
}

const recordsState = (page: Page, state: string, pending?: number) =>
  page
    .locator(
      `[data-testid="records-status"][data-state="${state}"]${pending === undefined ? '' : `[data-pending="${pending}"]`}`,
    )
    .waitFor({ timeout: 40_000 })

const task = (page: Page) => page.locator('[data-testid="task"]')

/** Replaces an input's text the way a person does, then commits it with Enter. */
async function typeInto(field: Locator, text: string): Promise<void> {
  await field.click()
  await field.press('Control+A')
  await field.pressSequentially(text)
  await field.press('Enter')
}

const fields = async (page: Page) => ({
  title: await task(page).locator('[data-testid="task-title"]').inputValue(),
  status: await task(page).locator('[data-testid="task-status"]').inputValue(),
  assignee: await task(page).locator('[data-testid="task-assignee"]').inputValue(),
})

it('two offline devices: different fields both survive; the same field converges and the overwritten value is logged', async () => {
  const a = await openBoard('board', 'board-a', 'Ann')
  const b = await openBoard('board', 'board-b', 'Bob')
  await recordsState(a, 'synced', 0)
  await recordsState(b, 'synced', 0)

  await typeInto(a.getByTestId('task-new-title'), 'Write the docs')
  await expect.poll(() => task(b).count(), { timeout: 15_000 }).toBe(1)
  await expect
    .poll(() => fields(b), { timeout: 15_000 })
    .toEqual({ title: 'Write the docs', status: 'todo', assignee: 'Ann' })
  await recordsState(a, 'synced', 0)

  await rig.stopServer()
  await recordsState(a, 'offline')
  await recordsState(b, 'offline')
  // Different fields: Ann moves the task on, Bob takes it over.
  await task(a).locator('[data-testid="task-status"]').selectOption('doing')
  await typeInto(task(b).locator('[data-testid="task-assignee"]'), 'Bob')
  // The same field on both, Bob second, so both stamps differ and neither device saw the other.
  await typeInto(task(a).locator('[data-testid="task-title"]'), 'Docs by Ann')
  await expect.poll(() => fields(a)).toMatchObject({ title: 'Docs by Ann', status: 'doing', assignee: 'Ann' })
  await typeInto(task(b).locator('[data-testid="task-title"]'), 'Docs by Bob')
  await expect.poll(() => fields(b)).toMatchObject({ title: 'Docs by Bob', status: 'todo', assignee: 'Bob' })
  for (const page of [a, b]) {
    const pending = await page.getByTestId('records-status').getAttribute('data-pending')
    expect(Number(pending)).toBeGreaterThan(0)
  }

  await rig.startServer()
  await recordsState(a, 'synced', 0)
  await recordsState(b, 'synced', 0)
  await expect
    .poll(async () => JSON.stringify(await fields(a)) === JSON.stringify(await fields(b)), { timeout: 20_000 })
    .toBe(true)
  const merged = await fields(a)
  expect(merged).toMatchObject({ status: 'doing', assignee: 'Bob' })
  expect(['Docs by Ann', 'Docs by Bob']).toContain(merged.title)
  // The same in the collection the page exposes, not just in the inputs.
  const exposed = await b.evaluate(() => {
    const tasks = (window as unknown as { tandemPage: { tasks: { all(): { values: unknown }[] } } }).tandemPage.tasks
    return tasks.all().map((t) => t.values)
  })
  expect(exposed).toEqual([merged])

  // Whose title lost depends on the stamps; that device's log must show its lost value.
  const [loserPage, lost] = merged.title === 'Docs by Ann' ? [b, 'Docs by Bob'] : [a, 'Docs by Ann']
  const entry = loserPage.locator(
    `[data-testid="conflict"][data-field="title"][data-overwritten='${JSON.stringify(lost)}']`,
  )
  await entry.first().waitFor({ timeout: 15_000 })
  const line = await entry.first().textContent()
  expect(line).toContain(lost)
  expect(line).toContain(merged.title)
  expect(line).toMatch(/by (Ann|Bob) at .* by (Ann|Bob) at/)
  // Different fields merged without conflict: the log speaks of the title only.
  for (const page of [a, b]) {
    const logged = await page
      .locator('[data-testid="conflict"]')
      .evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.field))
    expect(logged.every((field) => field === 'title')).toBe(true)
  }
  // Back online, a delete on one device reaches the other live.
  await b.getByTestId('task-delete').click()
  await expect.poll(() => task(a).count(), { timeout: 15_000 }).toBe(0)
})

it('the same field only, the losing device sending last: its result alone reports the overwritten value', async () => {
  const a = await openBoard('late', 'late-a', 'Ann')
  const b = await openBoard('late', 'late-b', 'Bob')
  await recordsState(a, 'synced', 0)
  await typeInto(a.getByTestId('task-new-title'), 'Only the assignee')
  await expect.poll(() => task(b).count(), { timeout: 15_000 }).toBe(1)
  await recordsState(a, 'synced', 0)
  await rig.stopServer()
  await typeInto(task(a).locator('[data-testid="task-assignee"]'), 'Ann first')
  await typeInto(task(b).locator('[data-testid="task-assignee"]'), 'Bob second')
  // Ann's tab stays offline while Bob's newer value reaches the server; Ann's older value then
  // changes nothing there, so no live change carries the conflict, only Ann's push result.
  await a.getByTestId('offline').check()
  await rig.startServer()
  await recordsState(b, 'synced', 0)
  await a.getByTestId('offline').uncheck()
  await recordsState(a, 'synced', 0)
  await expect
    .poll(() => task(a).locator('[data-testid="task-assignee"]').inputValue(), { timeout: 20_000 })
    .toBe('Bob second')
  expect(await task(b).locator('[data-testid="task-assignee"]').inputValue()).toBe('Bob second')
  await a
    .locator(
      `[data-testid="conflict"][data-field="assignee"][data-overwritten='"Ann first"'][data-kept='"Bob second"']`,
    )
    .waitFor({ timeout: 15_000 })
})

it.each(['mine', 'theirs'] as const)(
  'authority board: a stale write shows both versions; "%s" wins, and the choice reaches a second tab',
  async (choice) => {
    const doc = `authority-${choice}`
    const authority = await E2eRig.start(['--authority-collections', boardCollection(doc)])
    try {
      const openOn = async (context: BrowserContext, user: string) => {
        // A socket per tab: the offline device below is Playwright's emulation (see E2eRig.open).
        const page = await authority.open(context, doc, user, undefined, 'tab')
        await page.locator('[data-testid="records-board"] > summary').click()
        return page
      }
      const annDevice = await authority.device(`ann-${choice}`)
      const a = await openOn(annDevice, 'Ann')
      const a2 = await openOn(annDevice, 'Ann')
      const b = await openOn(await authority.device(`bob-${choice}`), 'Bob')
      await recordsState(a, 'synced', 0)
      await typeInto(a.getByTestId('task-new-title'), 'Budget')
      await expect.poll(() => task(b).count(), { timeout: 15_000 }).toBe(1)
      await recordsState(a, 'synced', 0)
      await recordsState(b, 'synced', 0)

      // Ann's browser goes offline (both tabs) and renames the task; Bob renames it online.
      await annDevice.setOffline(true)
      await recordsState(a, 'offline')
      await typeInto(task(a).locator('[data-testid="task-title"]'), 'Budget (Ann)')
      await typeInto(task(b).locator('[data-testid="task-title"]'), 'Budget (Bob)')
      await recordsState(b, 'synced', 0)
      await annDevice.setOffline(false)

      // The server refuses Ann's stale write: both tabs show theirs, mine and the base.
      for (const page of [a, a2]) {
        const conflict = page.getByTestId('record-conflict')
        await conflict.waitFor({ timeout: 40_000 })
        const row = conflict.locator('tr[data-field="title"]')
        expect(await row.getByTestId('conflict-theirs').textContent()).toBe('"Budget (Bob)"')
        expect(await row.getByTestId('conflict-mine').textContent()).toBe('"Budget (Ann)"')
      }
      expect(
        await a
          .getByTestId('record-conflict')
          .locator('tr[data-field="title"] [data-testid="conflict-base"]')
          .textContent(),
      ).toBe('"Budget"')
      await expect.poll(() => task(a).locator('[data-testid="task-title"]').inputValue()).toBe('Budget (Bob)')

      await a2.getByTestId(`conflict-keep-${choice}`).click()
      const winner = choice === 'mine' ? 'Budget (Ann)' : 'Budget (Bob)'
      for (const page of [a, a2, b]) {
        await expect
          .poll(() => task(page).locator('[data-testid="task-title"]').inputValue(), { timeout: 20_000 })
          .toBe(winner)
        await expect.poll(() => page.getByTestId('record-conflict').count(), { timeout: 10_000 }).toBe(0)
      }
    } finally {
      await authority.close()
    }
  },
)
