import type { RecordCollection, RecordsEvents, RejectedEvent } from '@tandem/client'

/** Entries kept on screen; the log is for seeing what just happened, not an audit trail. */
const MAX_ENTRIES = 50

/** The user name part of a node id (see connect.ts: `<name>.<random>`). */
export function authorName(node: string): string {
  const dot = node.lastIndexOf('.')
  return dot > 0 ? node.slice(0, dot) : node
}

const show = (value: unknown) => JSON.stringify(value ?? null)

/**
 * The records board's conflict log: every field value overwritten by a concurrent write (both
 * values, who wrote them, when) and every write the server refused. Last writer wins silently
 * in the data; this is where a person can see what was lost and type it back.
 */
export function mountConflictLog(list: HTMLOListElement, tasks: RecordCollection): () => void {
  list.dataset.testid = 'conflict-log'
  const add = (entry: HTMLLIElement) => {
    list.prepend(entry)
    while (list.children.length > MAX_ENTRIES) list.lastChild?.remove()
  }
  const stopConflicts = tasks.on('conflict', (c: RecordsEvents['conflict']) => {
    const li = document.createElement('li')
    li.dataset.testid = 'conflict'
    li.dataset.recordId = c.recordId
    li.dataset.field = c.field
    li.dataset.overwritten = show(c.loser.value)
    li.dataset.kept = show(c.winner.value)
    const when = new Date(c.loser.stamp.wall).toLocaleTimeString()
    const whenWon = new Date(c.winner.stamp.wall).toLocaleTimeString()
    li.textContent =
      `${c.field} of ${tasks.get(c.recordId)?.title ?? c.recordId}: ` +
      `${show(c.loser.value)} by ${authorName(c.loser.author)} at ${when} ` +
      `was overwritten by ${show(c.winner.value)} by ${authorName(c.winner.author)} at ${whenWon}`
    add(li)
  })
  const stopRejected = tasks.on('rejected', (r: RejectedEvent) => {
    const li = document.createElement('li')
    li.dataset.testid = 'rejected'
    li.dataset.reason = r.reason
    li.className = 'rejected'
    li.textContent = `${new Date().toLocaleTimeString()} rejected (${r.reason}) ${r.recordId ?? r.id}: ${r.message}`
    add(li)
  })
  return () => {
    stopConflicts()
    stopRejected()
  }
}
