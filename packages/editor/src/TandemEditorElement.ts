import { createTandem, type Tandem } from '@tandem/client'
import type { Editor } from '@tiptap/core'
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

/** What a `<tandem-editor>` element offers besides HTMLElement's own members. */
export interface TandemEditorElement extends HTMLElement {
  /** The Tiptap editor while the element is connected, else null. */
  readonly editor: Editor | null
  /** The document handle (status, pending, whenSaved) while connected, else null. */
  readonly handle: MountedEditor['handle'] | null
}

let elementClass: (new () => TandemEditorElement) | undefined

/**
 * The class is made on first use, not at module top level: `HTMLElement` does not exist during
 * server-side rendering or in Node, and importing the package there must not throw.
 */
function tandemEditorClass(): new () => TandemEditorElement {
  elementClass ??= class extends HTMLElement implements TandemEditorElement {
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

    get editor(): Editor | null {
      return this.mounted?.editor ?? null
    }

    get handle(): MountedEditor['handle'] | null {
      return this.mounted?.handle ?? null
    }
  }
  return elementClass
}

/**
 * `<tandem-editor server="ws://host:1234" doc="notes" user-name="Ann" user-color="#e6194b">`:
 * the editor without any JavaScript of the embedder's own. Attributes are read when the
 * element is connected; `token` is optional. Registers the element (once) under `tag` and
 * returns its class; call it in the browser only (it needs `customElements`).
 */
export function defineTandemEditor(tag = 'tandem-editor'): new () => TandemEditorElement {
  const existing = customElements.get(tag)
  if (existing) return existing as unknown as new () => TandemEditorElement
  const cls = tandemEditorClass()
  customElements.define(tag, cls)
  return cls
}
