import type { DocStorage } from '@tandem/server'
import { afterEach, beforeEach, describe } from 'vitest'
import { storageAdminCases } from './storageAdminCases.ts'
import { storageLifecycleCases } from './storageLifecycleCases.ts'
import { storageLogCases } from './storageLogCases.ts'

/**
 * The one acceptance suite every DocStorage passes (SQLite, PostgreSQL, and adapters outside
 * this repository). It checks the DocStorage contract of @tandem/server over bytes only, so
 * it does not care how an adapter lays data out. Each test gets an empty backing store of its own.
 */
export interface StorageHarness {
  /** Opens an adapter on this harness's backing store; called again after close to reopen it. */
  open(): Promise<DocStorage>
  /** Deletes the backing store; adapters are closed by then. */
  destroy(): Promise<void>
}

export function describeDocStorage(name: string, createHarness: () => Promise<StorageHarness>): void {
  describe(`DocStorage acceptance: ${name}`, () => {
    let harness: StorageHarness
    let current: DocStorage
    const opened: DocStorage[] = []

    async function open(): Promise<DocStorage> {
      current = await harness.open()
      opened.push(current)
      return current
    }

    beforeEach(async () => {
      harness = await createHarness()
      await open()
    })

    afterEach(async () => {
      // some were closed by the test already; closing twice is not what this suite checks
      for (const s of opened.splice(0)) await s.close().catch(() => {})
      await harness.destroy()
    })

    const context = {
      storage: () => current,
      async reopen() {
        await current.close().catch(() => {})
        return open()
      },
    }
    storageLogCases(context)
    storageLifecycleCases(context)
    storageAdminCases(context)
  })
}
