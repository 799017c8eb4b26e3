// Records in real Chromium: the IndexedDB outbox survives a reload and flushes when the relay
// is back; two tabs elect one leader (Web Locks) that flushes the other tab's writes; an
// authority conflict rolls the optimistic value back in the page; the Merkle check-in repairs
// a record corrupted in IndexedDB.
import { describe, expect, it } from 'vitest'
import { rest } from '../recordsRig.ts'
import { pullAll, setMutation } from '../recordsWire.ts'
import { until, useRecordsChromium } from './recordsChromiumRig.ts'

const t = useRecordsChromium({ authorityCollections: ['approvals'] })

describe('records in Chromium (IndexedDB outbox)', () => {
  it('a pulled page stored as its text merges into a version-2 store it upgraded', async () => {
    const context = await t.browser.newContext()
    const page = await t.openTab(context)
    const result = await page.evaluate(() => window.recordsHarness.pageOverV2('page-over-v2'))
    expect(result).toEqual({ titles: { a: 'old a', b: 'page b', c: 'page c' }, token: 'tok' })
    await context.close()
  })

  it('offline writes survive a reload and flush when the relay is back', async () => {
    const context = await t.browser.newContext()
    const page = await t.openTab(context)
    await page.evaluate(() => window.recordsHarness.open('tasks'))
    await until(page, () => window.recordsHarness.status().state === 'synced')
    const port = t.rig.relay.port
    await t.rig.relay.close()
    await until(page, () => window.recordsHarness.status().state === 'offline')
    await page.evaluate(async () => {
      await window.recordsHarness.put('t1', { title: 'written offline' })
      await window.recordsHarness.put('t2', { title: 'also offline', status: 'todo' })
    })
    await page.reload()
    await page.waitForFunction(() => Boolean(window.recordsHarness), null, { timeout: 10_000 })
    const reopened = await page.evaluate(() => window.recordsHarness.open('tasks'))
    expect(reopened.map((r) => r.id)).toEqual(['t1', 't2'])
    expect((await page.evaluate(() => window.recordsHarness.status())).pending).toBe(2)
    await t.rig.restart({ port })
    await until(
      page,
      () => window.recordsHarness.status().state === 'synced' && window.recordsHarness.status().pending === 0,
    )
    expect([...(await pullAll(t.rig.http, 'tasks')).records.keys()].sort()).toEqual(['t1', 't2'])
    await context.close()
  })

  it('two tabs: one leader flushes the outbox, also the other tab’s writes', async () => {
    const context = await t.browser.newContext()
    const a = await t.openTab(context)
    await a.evaluate(() => window.recordsHarness.open('board'))
    await until(a, () => window.recordsHarness.status().leader)
    const b = await t.openTab(context)
    await b.evaluate(() => window.recordsHarness.open('board'))
    expect((await b.evaluate(() => window.recordsHarness.status())).leader).toBe(false)
    await b.evaluate(() => window.recordsHarness.put('from-b', { title: 'B wrote this' }))
    await until(a, () => window.recordsHarness.all().some((r) => r.id === 'from-b'))
    await until(b, () => window.recordsHarness.status().pending === 0)
    expect((await pullAll(t.rig.http, 'board')).records.has('from-b')).toBe(true)
    await context.close()
  })

  it('the check-in after sync repairs a record corrupted in IndexedDB', async () => {
    const seed = Array.from({ length: 200 }, (_, i) =>
      setMutation(`r${i}`, { title: `task ${i}` }, { collection: 'repair' }),
    )
    expect((await rest(`${t.rig.http}/v1/records/repair`, { method: 'POST', body: { mutations: seed } })).status).toBe(
      200,
    )
    const context = await t.browser.newContext()
    const page = await t.openTab(context)
    await page.evaluate(() => window.recordsHarness.open('repair'))
    await until(page, () => window.recordsHarness.checkIns().length === 1)
    expect((await page.evaluate(() => window.recordsHarness.checkIns()))[0]!.equal).toBe(true)
    await page.evaluate(() => window.recordsHarness.corrupt('repair', 'r42', 'title', 'corrupted'))
    await page.reload()
    await page.waitForFunction(() => Boolean(window.recordsHarness), null, { timeout: 10_000 })
    const reopened = await page.evaluate(() => window.recordsHarness.open('repair'))
    expect(reopened.find((r) => r.id === 'r42')?.values.title).toBe('corrupted')
    await until(page, () => window.recordsHarness.checkIns().length === 1)
    expect((await page.evaluate(() => window.recordsHarness.checkIns()))[0]).toMatchObject({
      equal: false,
      repaired: ['r42'],
    })
    await until(page, () => window.recordsHarness.all().find((r) => r.id === 'r42')?.values.title === 'task 42')
    await context.close()
  })

  it('an authority conflict is rejected and the page rolls back to the server value', async () => {
    const seed = setMutation('req', { state: 'pending' }, { collection: 'approvals', base: { state: null } })
    expect(
      (await rest(`${t.rig.http}/v1/records/approvals`, { method: 'POST', body: { mutations: [seed] } })).status,
    ).toBe(200)
    const context = await t.browser.newContext()
    const page = await t.openTab(context)
    await page.evaluate(() => window.recordsHarness.open('approvals'))
    await until(
      page,
      () => window.recordsHarness.all().length === 1 && window.recordsHarness.status().state === 'synced',
    )
    await page.evaluate(() => window.recordsHarness.setOnline(false))
    await page.evaluate(() => window.recordsHarness.update('req', { state: 'rejected' }))
    const seen = seed.op === 'set' ? seed.fields.state!.stamp : null
    const approve = setMutation('req', { state: 'approved' }, { collection: 'approvals', base: { state: seen } })
    expect(
      (await rest(`${t.rig.http}/v1/records/approvals`, { method: 'POST', body: { mutations: [approve] } })).status,
    ).toBe(200)
    await page.evaluate(() => window.recordsHarness.setOnline(true))
    await until(page, () => window.recordsHarness.rejected().length === 1)
    expect(await page.evaluate(() => window.recordsHarness.rejected())).toEqual(['conflict'])
    await until(page, () => window.recordsHarness.all()[0]?.values.state === 'approved')
    await context.close()
  })
})
