import type { DocHandle, Tandem, User } from '@tandem/client'
import { Editor, type Extensions } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import StarterKit from '@tiptap/starter-kit'
import { PresenceList } from './PresenceList.ts'
import { StatusBadge } from './StatusBadge.ts'
import { injectStyles } from './styles.ts'

export interface MountEditorOptions {
  tandem: Tandem
  /** Document name, or a handle already opened with `tandem.doc(name)`. */
  doc: string | DocHandle
  /** Name and caret colour shown to others. */
  user: User
  /** Y.XmlFragment the text lives in; default 'default' (Tiptap's convention). */
  field?: string
  /** Extra Tiptap extensions (StarterKit without its own history, Collaboration and carets are included). */
  extensions?: Extensions
  /** Show the status badge and presence list above the text (default true). */
  chrome?: boolean
}

export interface MountedEditor {
  editor: Editor
  handle: DocHandle
  /** The element with data-tandem-status / data-tandem-pending. */
  status: HTMLElement
  destroy(): void
}

/**
 * Puts a collaborative rich-text editor into `element`. Undo and redo take back only this
 * user's changes (Yjs' UndoManager tracks local origins); carets of others show their name
 * and colour; the badge tells the truth about saving.
 */
export function mountEditor(element: HTMLElement, options: MountEditorOptions): MountedEditor {
  const doc = element.ownerDocument
  injectStyles(doc)
  const handle = typeof options.doc === 'string' ? options.tandem.doc(options.doc) : options.doc
  handle.awareness.setLocalStateField('user', options.user)
  const root = doc.createElement('div')
  root.className = 'tandem-editor'
  const badge = new StatusBadge(handle, doc)
  const presence = new PresenceList(handle, doc)
  if (options.chrome !== false) {
    const bar = doc.createElement('div')
    bar.className = 'tandem-editor__bar'
    bar.append(badge.element, presence.element)
    root.append(bar)
  }
  const content = doc.createElement('div')
  content.className = 'tandem-editor__content'
  root.append(content)
  element.append(root)
  const editor = new Editor({
    element: content,
    extensions: [
      StarterKit.configure({ undoRedo: false }),
      Collaboration.configure({ document: handle.doc, field: options.field ?? 'default' }),
      CollaborationCaret.configure({ provider: { awareness: handle.awareness }, user: options.user }),
      ...(options.extensions ?? []),
    ],
  })
  return {
    editor,
    handle,
    status: badge.element,
    destroy() {
      editor.destroy()
      badge.destroy()
      presence.destroy()
      root.remove()
    },
  }
}
