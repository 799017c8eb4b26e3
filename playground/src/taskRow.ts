import type { RecordCollection, RecordValues } from '@tandem/client'

export const STATUSES = ['todo', 'doing', 'done'] as const

/** The editable fields of a task, in column order. */
const FIELDS = ['title', 'status', 'assignee'] as const
type Field = (typeof FIELDS)[number]

export interface TaskRow {
  readonly element: HTMLLIElement
  /** Shows the current values, leaving alone a field the user is typing into. */
  update(values: RecordValues): void
}

const text = (value: unknown) => (typeof value === 'string' ? value : '')

/**
 * One task as a row of inline editors. A field is written when its editor commits (Enter, blur
 * or a new select value), as `update` of that field only, so a concurrent edit of another
 * field on another device survives the merge.
 */
export function taskRow(tasks: RecordCollection, id: string): TaskRow {
  const element = document.createElement('li')
  element.className = 'task'
  element.dataset.testid = 'task'
  element.dataset.taskId = id
  const editors = {} as Record<Field, HTMLInputElement | HTMLSelectElement>
  // What each editor last showed: a commit equal to it is no edit, and must not write back a
  // value that another device changed while this field had the focus.
  const shown = {} as Record<Field, string>
  for (const field of FIELDS) {
    const editor = field === 'status' ? statusSelect() : document.createElement('input')
    editor.dataset.testid = `task-${field}`
    editor.setAttribute('aria-label', field)
    editor.className = `task__${field}`
    editor.addEventListener('change', () => {
      if (editor.value === shown[field]) {
        row.update(tasks.get(id) ?? {})
        return
      }
      shown[field] = editor.value
      tasks.update(id, { [field]: editor.value }).catch((err) => console.warn('[tandem] task update:', err))
    })
    if (editor instanceof HTMLInputElement) {
      // Enter commits like a spreadsheet cell; blur (the browser's `change`) does too.
      editor.addEventListener('keydown', (event) => {
        if (event.key === 'Enter') editor.blur()
      })
    }
    editors[field] = editor
  }
  editors.assignee.setAttribute('placeholder', 'unassigned')
  const remove = document.createElement('button')
  remove.type = 'button'
  remove.textContent = '✕'
  remove.title = 'Delete task'
  remove.dataset.testid = 'task-delete'
  remove.addEventListener('click', () => {
    tasks.delete(id).catch((err) => console.warn('[tandem] task delete:', err))
  })
  element.append(editors.title, editors.status, editors.assignee, remove)

  const row: TaskRow = {
    element,
    update(values) {
      for (const field of FIELDS) {
        const editor = editors[field]
        const value = text(values[field])
        // A field being typed into keeps the typing; the new value shows once it commits or blurs.
        if (editor === document.activeElement && editor instanceof HTMLInputElement) continue
        shown[field] = value
        if (editor.value !== value) editor.value = value
      }
      element.dataset.status = text(values.status)
    },
  }
  return row
}

function statusSelect(): HTMLSelectElement {
  const select = document.createElement('select')
  for (const status of STATUSES) {
    const option = document.createElement('option')
    option.value = option.textContent = status
    select.append(option)
  }
  return select
}
