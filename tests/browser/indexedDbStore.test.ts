// In real Chromium: IndexedDbDocStore's layout. Loads start at a per-document floor that each
// compaction raises past the entries it deleted (LevelDB keeps deleted entries as tombstones,
// and stepping over them made opening the compacted trace document take 300 ms); the floor
// must never hide an entry written between the load and the compaction (another tab), nor
// another document's entries. A database in the version-1 layout is upgraded in place.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserRig, startBrowserRig } from './support/browserRig.ts'

let rig: BrowserRig

beforeAll(async () => {
  rig = await startBrowserRig()
})

afterAll(async () => {
  await rig?.close()
})

describe('Chromium: IndexedDbDocStore', () => {
  it('keeps entries written between a load and its compaction, and other documents, past the floor', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, 'ws://127.0.0.1:9')
    const result = await page.evaluate(() => window.tandemHarness.storeChecks.compactionFloor('floor-check'))
    expect(result).toEqual({ first: ['4', '7'], second: ['5', '6'], other: ['8', '9'] })
    await context.close()
  })

  it('deletes only the entries a compaction step names, when other tabs and documents wrote between them', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, 'ws://127.0.0.1:9')
    const result = await page.evaluate(() => window.tandemHarness.storeChecks.interleavedCompaction('interleaved'))
    expect(result).toEqual({ doc: ['3', '6'], other: ['4'] })
    await context.close()
  })

  it('keeps what two tabs folded into the one snapshot', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, 'ws://127.0.0.1:9')
    const result = await page.evaluate(() => window.tandemHarness.storeChecks.snapshotsOfTwoTabs('two-tab-snapshots'))
    expect(JSON.parse(result)).toEqual({ a: 1, b: 2 })
    await context.close()
  })

  it('upgrades a version-1 database without losing entries', async () => {
    const context = await rig.browser.newContext()
    const page = await rig.openTab(context, 'ws://127.0.0.1:9')
    const result = await page.evaluate(() => window.tandemHarness.storeChecks.upgradeFromV1('v1-check'))
    expect(result).toEqual({ a: ['1', '3'], b: ['2'] })
    await context.close()
  })
})
