// A strict TypeScript app against the packed packages: it must compile with the shipped
// declarations alone (skipLibCheck off). Never run; tests/pack/packed.test.ts typechecks it.
import { createTandem, type DocStatus, type RecordValues, type Tandem } from '@tandem/client'
import { defineTandemEditor, mountEditor, type TandemEditorElement } from '@tandem/editor'
import { CloseCode, matchesPattern } from '@tandem/protocol'
import {
  docStatusStore,
  type ExternalStore,
  TandemProvider,
  useDoc,
  usePresence,
  useRecord,
  useRecords,
} from '@tandem/react'
import { canonicalJson, HybridLogicalClock } from '@tandem/records'
import { type RelayOptions, SqliteDocStorage, startRelay } from '@tandem/server'
import type { ReactNode } from 'react'
import * as Y from 'yjs'

export function client(url: string): Tandem {
  return createTandem({ url, user: { name: 'Ann', color: '#4363d8' } })
}

export async function relay(dataDir: string): Promise<string> {
  const options: RelayOptions = { port: 0, dataDir, storage: new SqliteDocStorage({ file: `${dataDir}/t.sqlite` }) }
  const r = await startRelay(options)
  return r.url
}

export function editor(host: HTMLElement, tandem: Tandem): () => void {
  const Element: new () => TandemEditorElement = defineTandemEditor()
  const mounted = mountEditor(host, { tandem, doc: 'notes', user: { name: 'Ann', color: '#000' } })
  const status: DocStatus = mounted.handle.status.value
  const store: ExternalStore<DocStatus> = docStatusStore(mounted.handle)
  console.log(Element.name, status.state, store.getSnapshot().pending, CloseCode, matchesPattern('a/*', 'a/b'))
  return () => mounted.destroy()
}

function Notes(): ReactNode {
  const { doc, status, pending } = useDoc('notes')
  const { others, setMyField } = usePresence('notes')
  const { records, put, lastRejected } = useRecords('tasks')
  const task = useRecord('tasks', 't1')
  const text: Y.Text | undefined = doc?.getText('body')
  const fields: RecordValues = { title: 'x', done: false }
  return (
    <button type="button" onClick={() => void put('t1', fields).then(() => setMyField('cursor', 1))}>
      {status} {pending} {others.length} {records.length} {text?.toString()} {JSON.stringify(task.value)}
      {lastRejected?.reason} {canonicalJson(fields)} {String(new HybridLogicalClock({ nodeId: 'n' }).now())}
    </button>
  )
}

export function App({ tandem }: { tandem: Tandem | null }): ReactNode {
  return (
    <TandemProvider client={tandem}>
      <Notes />
    </TandemProvider>
  )
}

export const sameDoc = (a: Y.Doc, b: Y.Doc) => Y.encodeStateVector(a).length === Y.encodeStateVector(b).length
