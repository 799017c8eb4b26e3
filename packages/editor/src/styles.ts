const CSS = `
.tandem-editor { display: flex; flex-direction: column; gap: .5rem; font-family: system-ui, sans-serif; }
.tandem-editor__bar { display: flex; align-items: center; gap: .75rem; flex-wrap: wrap; font-size: .85rem; }
.tandem-status { padding: .15rem .5rem; border-radius: 999px; background: #eee; color: #333; }
.tandem-status[data-tandem-status="saved"] { background: #e3f6e8; color: #1d6b34; }
.tandem-status[data-tandem-status="offline"] { background: #fdecea; color: #8a1c12; }
.tandem-presence { display: flex; gap: .35rem; list-style: none; margin: 0; padding: 0; }
.tandem-presence li { padding: .1rem .45rem; border-radius: 999px; color: #fff; background: var(--tandem-user-color); }
.tandem-editor .ProseMirror { min-height: 8rem; padding: .75rem 1rem; border: 1px solid #ccc; border-radius: 6px; outline: none; line-height: 1.5; }
.tandem-editor .ProseMirror:focus { border-color: #7a9cff; }
.tandem-editor .ProseMirror p { margin: .3rem 0; }
.collaboration-carets__caret { position: relative; margin-left: -1px; margin-right: -1px; border-left: 1px solid; border-right: 1px solid; word-break: normal; pointer-events: none; }
.collaboration-carets__label { position: absolute; top: -1.4em; left: -1px; font-size: 12px; font-style: normal; font-weight: 600; line-height: normal; user-select: none; color: #fff; padding: .1rem .3rem; border-radius: 3px 3px 3px 0; white-space: nowrap; }
`

const injected = new WeakSet<Document>()

/** Adds the editor's styles to `doc` once; embedders may override any rule. */
export function injectStyles(doc: Document = document): void {
  if (injected.has(doc)) return
  injected.add(doc)
  const style = doc.createElement('style')
  style.dataset.tandemEditor = ''
  style.textContent = CSS
  doc.head.prepend(style)
}
