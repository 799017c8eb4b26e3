import type { DocHandle, DocVersion } from '@tandem/client'
import { textDiff } from './textDiff.ts'
import { versionText } from './versionText.ts'

const COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#d6336c']
/** A colour for an author never seen present: derived from the name, the same in every tab. */
function fallbackColor(author: string): string {
  let h = 0
  for (const ch of author) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return COLORS[h % COLORS.length]!
}

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text = '') => {
  const e = document.createElement(tag)
  e.className = cls
  e.textContent = text
  return e
}

const when = (at: number) => {
  const d = new Date(at)
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString() : d.toLocaleString()
}

/**
 * The document's history: versions with time and author chips, a read-only preview of one with
 * what changed since the version before highlighted in its author's colour, "Name this
 * version", and "Restore" behind a confirmation. Lists again every 2 s while open (the relay
 * takes versions at quiet points, so polling is enough to see them appear).
 */
export function mountHistoryPanel(root: HTMLElement, handle: DocHandle): () => void {
  // Authors are token subjects, which the playground makes the users' names: anyone seen
  // present in this session gets the colour of their caret.
  const colors = new Map<string, string>()
  const learnColors = () => {
    for (const state of handle.awareness.getStates().values()) {
      const user = state.user as { name?: unknown; color?: unknown } | undefined
      if (typeof user?.name === 'string' && typeof user.color === 'string') colors.set(user.name, user.color)
    }
  }
  handle.awareness.on('change', learnColors)
  learnColors()
  const authorColor = (author: string) => colors.get(author) ?? fallbackColor(author)
  const form = el('form', 'history__save')
  const nameInput = el('input', 'history__name')
  nameInput.placeholder = 'Name this version'
  nameInput.dataset.testid = 'history-name'
  const saveButton = el('button', '', 'Save')
  saveButton.dataset.testid = 'history-save'
  form.append(nameInput, saveButton)
  const list = el('ol', 'history__list')
  list.dataset.testid = 'history-list'
  const pane = el('div', 'history__preview')
  pane.dataset.testid = 'history-preview'
  pane.hidden = true
  const status = el('p', 'history__status')
  status.dataset.testid = 'history-status'
  root.replaceChildren(form, list, pane, status)

  let versions: DocVersion[] = []
  let shown: number | null = null
  const label = (v: DocVersion) => v.name ?? `Version ${versions.indexOf(v) + 1}`
  const fail = (e: unknown) => {
    status.textContent = e instanceof Error ? e.message : String(e)
  }

  const renderList = () => {
    list.replaceChildren(
      ...[...versions].reverse().map((v) => {
        const li = el('li', 'history__version')
        li.dataset.testid = 'history-version'
        li.dataset.id = String(v.id)
        if (v.id === shown) li.classList.add('history__version--shown')
        const open = el('button', 'history__open')
        open.type = 'button'
        open.append(el('span', 'history__label', label(v)), el('time', 'history__time', when(v.at)))
        open.addEventListener('click', () => void preview(v.id).catch(fail))
        const chips = el('span', 'history__authors')
        for (const a of v.authors) {
          const chip = el('span', 'history__author', a)
          chip.style.background = authorColor(a)
          chips.append(chip)
        }
        li.append(open, chips)
        return li
      }),
    )
  }

  const refresh = async () => {
    versions = await handle.history.list()
    renderList()
  }

  const preview = async (id: number) => {
    const at = versions.findIndex((v) => v.id === id)
    const v = versions[at]
    if (!v) return
    const before = at > 0 ? versionText(await handle.history.preview(versions[at - 1]!.id)) : ''
    const after = versionText(await handle.history.preview(id))
    shown = id
    const color = authorColor(v.authors[0] ?? 'anonymous')
    const text = el('div', 'history__text')
    text.dataset.testid = 'history-preview-text'
    for (const part of textDiff(before, after)) {
      const span = el(part.kind === 'same' ? 'span' : part.kind === 'added' ? 'ins' : 'del', '', part.text)
      if (part.kind !== 'same') span.style.setProperty('--author', color)
      text.append(span)
    }
    const restore = el('button', 'history__restore', 'Restore')
    restore.type = 'button'
    restore.dataset.testid = 'history-restore'
    restore.addEventListener('click', () => {
      if (restore.dataset.confirm !== '1') {
        restore.dataset.confirm = '1'
        restore.textContent = `Restore “${label(v)}” for everyone?`
        return
      }
      restore.disabled = true
      handle.history
        .restore(id)
        .then(async () => {
          status.textContent = `Restored ${label(v)}`
          close()
          await refresh()
        })
        .catch(fail)
        .finally(() => {
          restore.disabled = false
        })
    })
    const closeButton = el('button', 'history__close', 'Close')
    closeButton.type = 'button'
    closeButton.addEventListener('click', () => close())
    const head = el('div', 'history__preview-head')
    head.append(el('strong', '', `${label(v)} · ${when(v.at)}`), restore, closeButton)
    pane.replaceChildren(head, text)
    pane.hidden = false
    renderList()
  }

  const close = () => {
    shown = null
    pane.hidden = true
    pane.replaceChildren()
    renderList()
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault()
    const name = nameInput.value.trim()
    if (!name) return
    handle.history
      .save(name)
      .then(async () => {
        nameInput.value = ''
        status.textContent = `Saved “${name}”`
        await refresh()
      })
      .catch(fail)
  })

  const details = root.closest('details')
  const tick = () => {
    if (!details || details.open) refresh().catch(fail)
  }
  // The relay says when a version is recorded; the slow poll only covers one recorded on
  // another relay instance, which this connection does not hear of.
  const stopListening = handle.history.onChange(tick)
  const timer = setInterval(tick, 15_000)
  details?.addEventListener('toggle', tick)
  tick()
  return () => {
    stopListening()
    clearInterval(timer)
    details?.removeEventListener('toggle', tick)
    handle.awareness.off('change', learnColors)
  }
}
