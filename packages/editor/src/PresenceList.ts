import type { DocHandle } from '@tandem/client'

interface Presence {
  name: string
  color: string
  self: boolean
}

function present(handle: DocHandle): Presence[] {
  const out: Presence[] = []
  for (const [clientId, state] of handle.awareness.getStates()) {
    const user = (state as { user?: { name?: unknown; color?: unknown } }).user
    if (!user || typeof user.name !== 'string') continue
    const color = typeof user.color === 'string' && /^#[0-9a-f]{3,8}$/i.test(user.color) ? user.color : '#888'
    out.push({ name: user.name, color, self: clientId === handle.doc.clientID })
  }
  return out.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name))
}

/** Who is here: one chip per user, in their caret colour; the local user first. */
export class PresenceList {
  readonly element: HTMLElement
  private readonly onChange = () => this.render()

  constructor(
    private readonly handle: DocHandle,
    private readonly doc: Document = document,
  ) {
    this.element = doc.createElement('ul')
    this.element.className = 'tandem-presence'
    this.element.setAttribute('aria-label', 'People here')
    handle.awareness.on('change', this.onChange)
    this.render()
  }

  private render(): void {
    const items = present(this.handle).map((p) => {
      const li = this.doc.createElement('li')
      li.textContent = p.self ? `${p.name} (you)` : p.name
      li.style.setProperty('--tandem-user-color', p.color)
      li.dataset.tandemUser = p.name
      return li
    })
    this.element.replaceChildren(...items)
  }

  destroy(): void {
    this.handle.awareness.off('change', this.onChange)
    this.element.remove()
  }
}
