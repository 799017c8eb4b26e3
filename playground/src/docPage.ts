import type { Tandem, User } from '@tandem/client'
import { mountEditor } from '@tandem/editor'
import { mountInspector } from './inspector.ts'
import { rememberDoc } from './recentDocs.ts'

/** A document: the editor, the per-tab offline switch, the inspector, and room for records. */
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
      <details><summary>Records board</summary><p class="records-placeholder">Tasks with title, status and assignee, and a conflict log, arrive with the records API.</p></details>
    </aside>`
  root.querySelector('h1')!.textContent = name
  const mounted = mountEditor(root.querySelector<HTMLElement>('.doc__editor')!, { tandem, doc: name, user })
  const offline = root.querySelector<HTMLInputElement>('[data-testid="offline"]')!
  offline.addEventListener('change', () => tandem.setOnline(!offline.checked))
  mountInspector(root.querySelector<HTMLElement>('.inspector')!, tandem, mounted.handle)
  // For tests and the console: the live objects of this page.
  Object.assign(window, { tandemPage: { tandem, handle: mounted.handle, editor: mounted.editor } })
}
