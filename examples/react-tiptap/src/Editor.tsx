import type { DocHandle, User } from '@tandem/client'
import { Editor } from '@tiptap/core'
import Collaboration from '@tiptap/extension-collaboration'
import CollaborationCaret from '@tiptap/extension-collaboration-caret'
import StarterKit from '@tiptap/starter-kit'
import { useEffect, useRef } from 'react'

/**
 * An app's own Tiptap editor on a Tandem document: the hand-off is `handle.doc` for the text
 * and `handle.awareness` for carets. Tandem stores, syncs and acknowledges; Tiptap edits.
 */
export function TiptapEditor({ handle, user }: { handle: DocHandle; user: User }) {
  const host = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!host.current) return
    const editor = new Editor({
      element: host.current,
      extensions: [
        // Yjs keeps the history: each user's undo takes back only their own changes.
        StarterKit.configure({ undoRedo: false }),
        Collaboration.configure({ document: handle.doc, field: 'default' }),
        CollaborationCaret.configure({ provider: { awareness: handle.awareness }, user }),
      ],
    })
    return () => editor.destroy()
  }, [handle, user])
  return <div ref={host} className="editor" data-testid="editor" />
}
