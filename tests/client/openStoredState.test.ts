// Opening a document applies its stored state with no `update` listener on the Y.Doc: Yjs
// encodes an update event's payload only while someone listens, and for the automerge-paper
// document that encode cost as much as the apply itself. Edits after the open must still be
// stored and reach the other tabs, so the listener is back once the state is in.
import { FROM_STORE, MemoryStore } from '@tandem/client'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { waitUntil } from '../helpers/wait.ts'
import { tandemClient } from './tandemClient.ts'

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

/** Listeners of a doc event, read from lib0's Observable (Yjs offers no public count). */
const listeners = (doc: Y.Doc, event: string) =>
  (doc as unknown as { _observers: Map<string, Set<unknown>> })._observers.get(event)?.size ?? 0

describe('@tandem/client: opening a stored document', () => {
  it('applies the stored state with no update listener, then stores and forwards later edits', async () => {
    const store = new MemoryStore()
    const source = new Y.Doc()
    source.getText('t').insert(0, 'stored before the open')
    await store.append('d', [Y.encodeStateAsUpdate(source)])
    const tab = tandemClient('ws://127.0.0.1:9', { storage: store, crossTab: true })
    const other = new BroadcastChannel('tandem:ws://127.0.0.1:9:d')
    const heard: unknown[] = []
    other.onmessage = (e) => heard.push(e.data)
    cleanups.push(
      () => tab.destroy(),
      () => other.close(),
    )
    const handle = tab.doc('d')
    let duringLoad = -1
    handle.doc.on('afterTransaction', (tr) => {
      if (tr.origin === FROM_STORE) duringLoad = listeners(handle.doc, 'update')
    })
    await handle.whenLoaded()
    expect(handle.doc.getText('t').toString()).toBe('stored before the open')
    expect(duringLoad).toBe(0)
    handle.doc.getText('t').insert(0, '+')
    await waitUntil('the edit is stored', () => handle.progress().stored === 1)
    const { snapshot, updates } = await store.load('d')
    const reread = new Y.Doc()
    for (const u of [...(snapshot ? [snapshot] : []), ...updates]) Y.applyUpdate(reread, u)
    expect(reread.getText('t').toString()).toBe('+stored before the open')
    await waitUntil('the other tab heard the edit', () => heard.some((m) => (m as { t: string }).t === 'update'))
  })
})

describe('@tandem/client: entries found at open', () => {
  it('are folded into the snapshot once the tab is idle, so the next open reads one snapshot', async () => {
    const store = new MemoryStore()
    const source = new Y.Doc()
    const updates: Uint8Array[] = []
    source.on('update', (u: Uint8Array) => updates.push(u))
    for (let i = 0; i < 5; i++) source.getText('t').insert(i, String(i))
    await store.append('d', updates)
    const tab = tandemClient('ws://127.0.0.1:9', { storage: store })
    cleanups.push(() => tab.destroy())
    await tab.doc('d').whenLoaded()
    await waitUntil('the entries are folded', async () => (await store.load('d')).updates.length === 0)
    const { snapshot } = await store.load('d')
    const reread = new Y.Doc()
    Y.applyUpdate(reread, snapshot!)
    expect(reread.getText('t').toString()).toBe('01234')
  })
})
