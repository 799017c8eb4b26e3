import * as Y from 'yjs'
import type { Hooks } from '../hooks/Hooks.ts'
import { LiveDoc } from './LiveDoc.ts'
import type { RoomDeps } from './RoomDeps.ts'

export interface LoadedDoc {
  live: LiveDoc
  deletedAt: number | null
  /** The log as it is after the load (a repair folds it into the snapshot). */
  logUpdates: number
  logBytes: number
  snapshotBytes: number
}

/**
 * Loads a document from storage into an integrated LiveDoc. A document stored before the relay
 * checked updates may hold parts that do not integrate (or content whose dependency never
 * came): they are left out, counted and logged, and the repaired state is committed as the
 * new snapshot, so it is what everyone gets from now on.
 */
export async function loadLiveDoc(name: string, ctx: RoomDeps): Promise<LoadedDoc> {
  const stored = await ctx.storage.load(name)
  const deletedAt = stored.deletedAt ?? null
  const loaded = {
    deletedAt,
    logUpdates: stored.updates.length,
    logBytes: stored.logBytes,
    snapshotBytes: stored.snapshot?.length ?? 0,
  }
  if (deletedAt) return { live: LiveDoc.empty(), ...loaded }
  const { live, repair } = LiveDoc.fromStored(stored.snapshot, stored.updates)
  const repaired = repair.dropped > 0 || repair.unresolvedBytes > 0
  const seeded = ctx.hooks?.has('onLoadDocument') ? await seed(name, live, ctx.hooks) : false
  if (!repaired && !seeded) return { live, ...loaded }
  const { metrics, log } = ctx
  if (!repaired) {
    // What the hook added is stored before anyone is served: a client never sees it vanish.
    const snapshot = live.update()
    await ctx.storage.compact(name, snapshot, stored.head)
    return { live, deletedAt, logUpdates: 0, logBytes: 0, snapshotBytes: snapshot.length }
  }
  metrics.inc('tandem_repaired_documents_total', 'Documents loaded with stored parts that do not integrate')
  metrics.inc(
    'tandem_repaired_updates_total',
    'Stored updates dropped because they do not integrate',
    undefined,
    repair.dropped,
  )
  log.warn('repaired a stored document: dropped what does not integrate', { doc: name, ...repair })
  const snapshot = live.update()
  await ctx.compactor.checkpoint(name, snapshot, stored.head)
  return { live, deletedAt, logUpdates: 0, logBytes: 0, snapshotBytes: snapshot.length }
}

/**
 * Lets onLoadDocument see (and add to) the loaded state; returns true when it changed it. What
 * it adds goes through the same check as a client's update: content that does not integrate
 * fails the load instead of corrupting the document.
 */
async function seed(name: string, live: LiveDoc, hooks: Hooks): Promise<boolean> {
  const doc = new Y.Doc({ gc: true })
  try {
    Y.applyUpdate(doc, live.update())
    const added: Uint8Array[] = []
    doc.on('update', (update: Uint8Array) => added.push(update))
    await hooks.loadDocument({ documentName: name, doc })
    if (added.length === 0) return false
    const update = Y.mergeUpdates(added)
    const problem = live.check(update)
    if (problem) throw new Error(`onLoadDocument made a change that does not integrate: ${problem}`)
    live.integrate(update)
    return true
  } finally {
    doc.destroy()
  }
}
