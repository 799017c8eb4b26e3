import type * as Y from 'yjs'

/** One edit of the trace: `[position, deleted characters, inserted text]` patches. */
export type TraceTxn = [number, number, string][]

/** Applies one trace edit to `text` as its own Yjs transaction, as a keystroke would. */
export function applyTxn(doc: Y.Doc, text: Y.Text, txn: TraceTxn): void {
  doc.transact(() => {
    for (const [pos, del, ins] of txn) {
      if (del > 0) text.delete(pos, del)
      if (ins) text.insert(pos, ins)
    }
  })
}

/** The trace slice the Node side wrote next to the page. */
export async function fetchTrace(): Promise<TraceTxn[]> {
  const res = await fetch('/trace.json')
  if (!res.ok) throw new Error(`trace.json: HTTP ${res.status}`)
  return (await res.json()) as TraceTxn[]
}

export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

/** FNV-1a over the text: a cheap check that two loads produced the same document. */
export function textHash(s: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return `${s.length}:${h.toString(16)}`
}
