import { createTandem, type Tandem } from '@tandem/client'
import { type MountedEditor, mountEditor } from './mountEditor.ts'

/** One client per server per page: every <tandem-editor> on it shares the one socket. */
const clients = new Map<string, Tandem>()

function clientFor(server: string, token: string | null): Tandem {
  const key = `${server}\n${token ?? ''}`
  let t = clients.get(key)
  if (!t) {
    t = createTandem({ url: server, getToken: token ? () => token : undefined })
    clients.set(key, t)
  }
  return t
}

const PALETTE = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#008080', '#9a6324', '#800000']

/**
 * `<tandem-editor server="ws://host:1234" doc="notes" user-name="Ann" user-color="#e6194b">`:
 * the editor without any JavaScript of the embedder's own. Attributes are read when the
 * element is connected; `token` is optional. The element's `status` property is the badge.
 */
export class TandemEditorElement extends HTMLElement {
  private mounted: MountedEditor | null = null

  connectedCallback(): void {
    const server = this.getAttribute('server') ?? location.origin.replace(/^http/, 'ws')
    const doc = this.getAttribute('doc')
    if (!doc) throw new Error('<tandem-editor> needs a doc attribute')
    const name = this.getAttribute('user-name') ?? 'Anonymous'
    const color = this.getAttribute('user-color') ?? PALETTE[Math.floor(Math.random() * PALETTE.length)]!
    this.mounted = mountEditor(this, {
      tandem: clientFor(server, this.getAttribute('token')),
      doc,
      user: { name, color },
    })
  }

  disconnectedCallback(): void {
    this.mounted?.destroy()
    this.mounted = null
  }

  get editor() {
    return this.mounted?.editor ?? null
  }

  get handle() {
    return this.mounted?.handle ?? null
  }
}

/** Registers the element (once) under `tag`. */
export function defineTandemEditor(tag = 'tandem-editor'): void {
  if (!customElements.get(tag)) customElements.define(tag, TandemEditorElement)
}
