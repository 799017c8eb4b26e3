import type { Tandem, User } from '@tandem/client'
import { mountEditor } from '@tandem/editor'
import { mountHistoryPanel } from './historyPanel.ts'
import { mountInspector } from './inspector.ts'
import { rememberDoc } from './recentDocs.ts'
import { mountRecordsBoard } from './recordsBoard.ts'
import { requestBackgroundSync } from './syncShared.ts'

/** A document: the editor, the per-tab offline switch, the inspector, its history, and its records board. */
export function renderDoc(root: HTMLElement, tandem: Tandem, name: string, user: User): void {
  rememberDoc(name)
  document.title = `${name} · Tandem`
  root.innerHTML = `
    <section class="doc">
      <div class="doc__head">
        <h1></h1>
        <label class="offline-switch"><input type="checkbox" data-testid="offline" /> Offline (this tab)</label>
      </div>
      <div class="doc__editor"></div>
    </section>
    <aside class="side">
      <details open><summary>Inspector</summary><div class="inspector"></div></details>
      <details data-testid="history-panel"><summary>History</summary><div class="history"></div></details>
      <details data-testid="records-board"><summary>Records board</summary><div class="board"></div></details>
    </aside>`
  root.querySelector('h1')!.textContent = name
  const mounted = mountEditor(root.querySelector<HTMLElement>('.doc__editor')!, { tandem, doc: name, user })
  const offline = root.querySelector<HTMLInputElement>('[data-testid="offline"]')!
  offline.addEventListener('change', () => tandem.setOnline(!offline.checked))
  mountInspector(root.querySelector<HTMLElement>('.inspector')!, tandem, mounted.handle)
  mountHistoryPanel(root.querySelector<HTMLElement>('.history')!, mounted.handle)
  const board = mountRecordsBoard(root.querySelector<HTMLElement>('.board')!, tandem, name, user)
  // Work waiting for the relay: ask the browser to wake the service worker once online, so it
  // reaches the relay even if every tab is closed first.
  const syncWhenPending = (pending: number) => {
    if (pending > 0) requestBackgroundSync().catch(() => {})
  }
  mounted.handle.status.subscribe((s) => syncWhenPending(s.state === 'saved' ? 0 : s.pending))
  board.tasks.status.subscribe((s) => syncWhenPending(s.pending))
  // For tests and the console: the live objects of this page.
  Object.assign(window, { tandemPage: { tandem, handle: mounted.handle, editor: mounted.editor, tasks: board.tasks } })
}
