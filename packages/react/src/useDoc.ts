import type { DocHandle, DocStatus } from '@tandem/client'
import { useMemo, useSyncExternalStore } from 'react'
import type * as Y from 'yjs'
import { docStatusStore, SERVER_DOC_STATUS } from './stores.ts'
import { useTandem } from './TandemProvider.ts'

export interface UseDoc {
  /** The Y.Doc (null without a client, e.g. during server rendering). */
  doc: Y.Doc | null
  /** The handle: awareness, whenSaved(), checkIn(); null without a client. */
  handle: DocHandle | null
  status: DocStatus['state']
  /** Local changes the server has not acknowledged yet. */
  pending: number
  /** True once the device's stored state is applied. */
  loaded: boolean
  lastError: Error | null
}

const NOTHING = {
  subscribe: () => () => {},
  getSnapshot: () => SERVER_DOC_STATUS,
  getServerSnapshot: () => SERVER_DOC_STATUS,
}

/** The handle of document `name`; opened once per client and left open when components unmount. */
export function useDocHandle(name: string): DocHandle | null {
  const tandem = useTandem()
  // tandem.doc() is idempotent (one handle per name per client), so a render React throws
  // away, or StrictMode's second render, opens nothing new.
  return useMemo(() => tandem?.doc(name) ?? null, [tandem, name])
}

/** The status of document `name` alone: state, pending, loaded, lastError. */
export function useDocStatus(name: string): DocStatus {
  const handle = useDocHandle(name)
  const store = handle ? docStatusStore(handle) : NOTHING
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
}

/** Document `name`: its Y.Doc and its status, re-rendering when the status changes. */
export function useDoc(name: string): UseDoc {
  const handle = useDocHandle(name)
  const store = handle ? docStatusStore(handle) : NOTHING
  const status = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
  return {
    doc: handle?.doc ?? null,
    handle,
    status: status.state,
    pending: status.pending,
    loaded: status.loaded,
    lastError: status.lastError,
  }
}
