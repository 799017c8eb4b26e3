// Records in real Chromium, where the status or the store could lie: `synced` must mean that
// a reload now would show every pulled record (the pages are committed in IndexedDB, not only
// in memory), and two tabs writing one record must leave the field-level LWW winner stored,
// not whichever tab committed last with an older merge in its memory.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { rest } from '../recordsRig.ts'
import { setMutation } from '../recordsWire.ts'
import { until, useRecordsChromium } from './recordsChromiumRig.ts'

const t = useRecordsChromium()

describe('records in Chromium: the status and the store tell the truth', () => {
  it('says synced only once every pulled record is stored in IndexedDB', async () => {
    const total = 20_000
    for (let i = 0; i < total; i += 1_000) {
      const mutations = Array.from({ length: 1_000 }, (_, k) =>
        setMutation(`r${i + k}`, { title: `record ${i + k}` }, { collection: 'bulk' }),
      )
      expect((await rest(`${t.rig.http}/v1/records/bulk`, { method: 'POST', body: { mutations } })).status).toBe(200)
    }
    const context = await t.browser.newContext()
    const page = await t.openTab(context)
    const counts = await page.evaluate(() => window.recordsHarness.countAtSynced('bulk'))
    expect(counts).toEqual({ memory: total, stored: total })
    await context.close()
  })

  it('upgrades a version-1 record store (a row per record) without losing records', async () => {
    const context = await t.browser.newContext()
    const page = await t.openTab(context)
    const stamp = { wall: 1, counter: 0, node: 'n1' }
    const record = (id: string) => ({ id, fields: { t: { value: id, stamp } } })
    const rows = [
      { collection: 'a', record: record('x') },
      { collection: 'b', record: record('y') },
      { collection: 'a', record: record('z') },
    ]
    expect(await page.evaluate((r) => window.recordsHarness.upgradeFromV1('v1-records', r), rows)).toEqual({
      a: ['x', 'z'],
      b: ['y'],
    })
    await context.close()
  })

  it('two tabs writing one record store the LWW winner, the one both tabs show', async () => {
    const context = await t.browser.newContext()
    const [a, b] = [await t.openTab(context), await t.openTab(context)]
    for (const tab of [a, b]) await tab.evaluate(() => window.recordsHarness.open('lww'))
    for (const tab of [a, b]) await until(tab, () => window.recordsHarness.status().state === 'synced')
    // With the relay gone, only the tabs write the store: no server page can repair it.
    const port = t.rig.relay.port
    await t.rig.relay.close()
    const mismatches: string[] = []
    for (let k = 0; k < 12; k++) {
      await Promise.all([
        a.evaluate((n) => window.recordsHarness.update('r', { x: `a${n}`, a: n }), k),
        b.evaluate((n) => window.recordsHarness.update('r', { x: `b${n}`, b: n }), k),
      ])
      const shown = async (tab: Page) =>
        JSON.stringify(await tab.evaluate(() => window.recordsHarness.all().find((r) => r.id === 'r')?.values))
      let view = ''
      for (let wait = 0; wait < 100; wait++) {
        const [va, vb] = [await shown(a), await shown(b)]
        if (va === vb && va.includes(`"a":${k}`) && va.includes(`"b":${k}`)) {
          view = va
          break
        }
        await a.waitForTimeout(20)
      }
      expect(view, `round ${k}: the tabs never converged`).not.toBe('')
      const stored = JSON.stringify(await a.evaluate(() => window.recordsHarness.stored('lww', 'r')))
      if (stored !== view) mismatches.push(`round ${k}: shown ${view}, stored ${stored}`)
    }
    expect(mismatches).toEqual([])
    await t.rig.restart({ port })
    await context.close()
  })
})
