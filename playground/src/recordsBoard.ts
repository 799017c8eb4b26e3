import type { RecordCollection, Tandem, User } from '@tandem/client'
import { mountConflictLog } from './conflictLog.ts'
import { mountConflictPanel } from './conflictPanel.ts'
import { type TaskRow, taskRow } from './taskRow.ts'

/**
 * The collection behind a document's board: one board per document, so two documents never
 * share tasks. Collection names allow only [A-Za-z0-9_-] (64 at most) while document names are
 * free text, so other characters become `_` and a hash of the exact name keeps
 * `team/notes` and `team_notes` apart.
 */
export function boardCollection(doc: string): string {
  const safe = doc.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40)
  if (safe === doc) return `tasks-${doc}`
  let hash = 0x811c9dc5
  for (let i = 0; i < doc.length; i++) hash = Math.imul(hash ^ doc.charCodeAt(i), 0x01000193) >>> 0
  return `tasks-${safe}-${hash.toString(16).padStart(8, '0')}`
}

/**
 * The records board: tasks (title, status, assignee) of `tandem.records(boardCollection(doc))`,
 * added, edited inline and deleted here, live from other tabs and devices, with the outbox
 * status and a conflict log. Writes go to the local store first, so the board works offline.
 */
export function mountRecordsBoard(
  root: HTMLElement,
  tandem: Tandem,
  doc: string,
  user: User,
): { tasks: RecordCollection; destroy(): void } {
  const tasks = tandem.records(boardCollection(doc))
  root.innerHTML = `
    <p class="board__status" data-testid="records-status"></p>
    <form class="board__add" data-testid="task-add-form">
      <input name="title" required placeholder="New task" aria-label="new task title" data-testid="task-new-title" />
      <button type="submit" data-testid="task-add">Add</button>
    </form>
    <ol class="board__tasks" data-testid="task-list"></ol>
    <section class="board__conflicts" hidden></section>
    <h3>Conflict log</h3>
    <ol class="board__log"></ol>`
  const statusLine = root.querySelector<HTMLElement>('.board__status')!
  const list = root.querySelector<HTMLOListElement>('.board__tasks')!
  const form = root.querySelector<HTMLFormElement>('.board__add')!
  const rows = new Map<string, TaskRow>()

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    const input = form.elements.namedItem('title') as HTMLInputElement
    const title = input.value.trim()
    if (!title) return
    input.value = ''
    // Time-ordered ids keep tasks in creation order (the collection sorts by id).
    const id = `t${Date.now().toString(36)}${crypto.randomUUID().slice(0, 4)}`
    tasks
      .put(id, { title, status: 'todo', assignee: user.name })
      .catch((err) => console.warn('[tandem] add task:', err))
  })

  const render = () => {
    const current = tasks.all()
    const seen = new Set<string>()
    let next = list.firstElementChild
    for (const { id, values } of current) {
      seen.add(id)
      let row = rows.get(id)
      if (!row) {
        row = taskRow(tasks, id)
        rows.set(id, row)
      }
      row.update(values)
      // Move a row only when out of place: moving a row would blur the field someone types in.
      if (row.element === next) next = next.nextElementSibling
      else list.insertBefore(row.element, next)
    }
    for (const [id, row] of rows) {
      if (seen.has(id)) continue
      row.element.remove()
      rows.delete(id)
    }
    list.dataset.count = String(current.length)
  }
  const showStatus = () => {
    const s = tasks.status.value
    statusLine.dataset.state = s.state
    statusLine.dataset.pending = String(s.pending)
    const leader = s.leader ? 'this tab sends' : 'another tab sends'
    const error = s.lastError ? ` · ${s.lastError.message}` : ''
    statusLine.textContent = `${s.state} · outbox ${s.pending} (${s.inFlight} in flight, ${leader})${error}`
  }

  const stops = [
    tasks.subscribe(render),
    tasks.status.subscribe(showStatus),
    mountConflictLog(root.querySelector<HTMLOListElement>('.board__log')!, tasks),
    mountConflictPanel(root.querySelector<HTMLElement>('.board__conflicts')!, tasks),
  ]
  void tasks.ready.then(render)
  render()
  showStatus()
  return {
    tasks,
    destroy: () => {
      for (const stop of stops) stop()
    },
  }
}
