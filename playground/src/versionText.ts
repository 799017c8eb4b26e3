import * as Y from 'yjs'

/** The editor's content in a version as plain text: one line per block, marks dropped. */
export function versionText(doc: Y.Doc, field = 'default'): string {
  const lines: string[] = []
  const walk = (node: Y.XmlElement | Y.XmlText | Y.XmlFragment, line: string[]): void => {
    if (node instanceof Y.XmlText) {
      for (const op of node.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') line.push(op.insert)
      return
    }
    for (const child of node.toArray()) {
      if (child instanceof Y.XmlElement && !(node instanceof Y.XmlElement)) {
        // A top-level block: its own line.
        const own: string[] = []
        walk(child, own)
        lines.push(own.join(''))
      } else if (child instanceof Y.XmlElement || child instanceof Y.XmlText) walk(child, line)
    }
  }
  walk(doc.getXmlFragment(field), [])
  return lines.join('\n')
}
