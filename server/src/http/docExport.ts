import * as Y from 'yjs'
import { type RootKind, rootKind } from '../docs/rootKind.ts'

/**
 * A document's content as JSON or text, without knowing its schema: each root type is read
 * as what its content says it is (a map, a text, an XML fragment as Tiptap writes, a list).
 */
function rootTypes(update: Uint8Array): { doc: Y.Doc; roots: [string, RootKind][] } {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  const roots: [string, RootKind][] = []
  // An empty root exports as what it last held: a map if it ever had keys, else text.
  for (const [name, type] of doc.share) roots.push([name, rootKind(type) ?? (type._map.size > 0 ? 'map' : 'text')])
  return { doc, roots }
}

export function exportJson(update: Uint8Array): Record<string, unknown> {
  const { doc, roots } = rootTypes(update)
  const out: Record<string, unknown> = {}
  for (const [name, kind] of roots) {
    if (kind === 'map') out[name] = doc.getMap(name).toJSON()
    else if (kind === 'text') out[name] = doc.getText(name).toString()
    else if (kind === 'xml') out[name] = doc.getXmlFragment(name).toString()
    else out[name] = doc.getArray(name).toJSON()
  }
  doc.destroy()
  return out
}

function xmlText(node: Y.XmlFragment | Y.XmlElement | Y.XmlText): string {
  if (node instanceof Y.XmlText) return node.toString().replace(/<[^>]*>/g, '')
  const parts = node.toArray().map((child) => xmlText(child as Y.XmlElement | Y.XmlText))
  // Block elements (paragraphs, headings, list items) each end a line.
  return node instanceof Y.XmlElement ? `${parts.join('')}\n` : parts.join('')
}

/** Plain text: texts as they are, XML fragments (rich text) with one line per block. */
export function exportText(update: Uint8Array): string {
  const { doc, roots } = rootTypes(update)
  const out: string[] = []
  for (const [name, kind] of roots) {
    if (kind === 'text') out.push(doc.getText(name).toString())
    else if (kind === 'xml') out.push(xmlText(doc.getXmlFragment(name)).replace(/\n+$/, ''))
  }
  doc.destroy()
  return out.join('\n\n')
}
