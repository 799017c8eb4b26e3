import type { RecordCollection, RecordConflict } from '@tandem/client'

const show = (values: Record<string, unknown> | null, field: string) =>
  values === null ? '(deleted)' : JSON.stringify(values[field] ?? null)

/**
 * Writes the server refused as stale (authority collections): for each, the fields this device
 * wrote with their value on the server ("theirs"), this device's ("mine") and what they were
 * when it wrote ("base"), and the two ways out. The choice reaches every tab of this browser.
 */
export function mountConflictPanel(root: HTMLElement, tasks: RecordCollection): () => void {
  root.dataset.testid = 'conflicts'
  const render = (conflicts: readonly RecordConflict[]) => {
    root.hidden = conflicts.length === 0
    root.replaceChildren(
      ...conflicts.map((c) => {
        const item = document.createElement('div')
        item.className = 'conflict'
        item.dataset.testid = 'record-conflict'
        item.dataset.recordId = c.recordId
        const title = document.createElement('p')
        title.textContent = `Not saved: “${tasks.get(c.recordId)?.title ?? c.recordId}” was changed by someone else first.`
        const table = document.createElement('table')
        const fields = Object.keys(c.mine ?? c.theirs ?? {})
        table.innerHTML = '<tr><th>field</th><th>theirs (saved)</th><th>mine</th><th>before</th></tr>'
        for (const field of fields) {
          const row = table.insertRow()
          row.dataset.field = field
          for (const [testid, text] of [
            ['field', field],
            ['theirs', show(c.theirs, field)],
            ['mine', show(c.mine, field)],
            ['base', c.base ? show(c.base, field) : '?'],
          ] as const) {
            const cell = row.insertCell()
            cell.dataset.testid = `conflict-${testid}`
            cell.textContent = text
          }
        }
        const buttons = document.createElement('p')
        for (const [choice, label] of [
          ['theirs', 'Keep theirs'],
          ['mine', 'Apply mine again'],
        ] as const) {
          const button = document.createElement('button')
          button.type = 'button'
          button.dataset.testid = `conflict-keep-${choice}`
          button.textContent = label
          button.addEventListener('click', () => {
            tasks.resolve(c.recordId, choice).catch((err) => console.warn('[tandem] resolve conflict:', err))
          })
          buttons.append(button)
        }
        item.append(title, table, buttons)
        return item
      }),
    )
  }
  render(tasks.conflicts.value)
  return tasks.conflicts.subscribe(render)
}
