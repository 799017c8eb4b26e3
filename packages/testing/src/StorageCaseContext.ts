import type { DocStorage } from '@tandem/server'

/** What the cases of the acceptance suite get: the adapter under test, and a way to reopen it. */
export interface StorageCaseContext {
  storage(): DocStorage
  /** Closes the current adapter and opens a new one on the same backing store. */
  reopen(): Promise<DocStorage>
}
