import { MemoryRecordStore, MemoryStore } from '@tandem/client'
import { describeDocStore, describeRecordStore } from '@tandem/testing'

// The device-store suites of @tandem/testing against the in-memory stores (Node, scripts, bots).
// An in-memory store never closes for real, so "reopening" hands back the same instance.

describeDocStore('MemoryStore', async () => {
  const store = new MemoryStore()
  return { open: async () => store, destroy: async () => {} }
})

describeRecordStore('MemoryRecordStore', async () => {
  const store = new MemoryRecordStore()
  return { open: async () => store, destroy: async () => {} }
})
