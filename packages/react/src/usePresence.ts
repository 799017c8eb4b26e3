import { useCallback, useSyncExternalStore } from 'react'
import { type PresenceSnapshot, presenceStore } from './stores.ts'
import { useDocHandle } from './useDoc.ts'

export interface UsePresence extends PresenceSnapshot {
  /** Replaces this client's presence state (null: leave, as far as the others can tell). */
  setMyState(state: Record<string, unknown> | null): void
  /** Sets one field of this client's presence state, keeping the others. */
  setMyField(field: string, value: unknown): void
}

const EMPTY: PresenceSnapshot = Object.freeze({ others: Object.freeze([]), me: null })
const NOTHING = { subscribe: () => () => {}, getSnapshot: () => EMPTY, getServerSnapshot: () => EMPTY }

/** Presence on document `name`: the others' states, mine, and setters for mine. */
export function usePresence(name: string): UsePresence {
  const handle = useDocHandle(name)
  const store = handle ? presenceStore(handle) : NOTHING
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getServerSnapshot)
  const setMyState = useCallback(
    (state: Record<string, unknown> | null) => handle?.awareness.setLocalState(state),
    [handle],
  )
  const setMyField = useCallback(
    (field: string, value: unknown) => handle?.awareness.setLocalStateField(field, value),
    [handle],
  )
  return { ...snapshot, setMyState, setMyField }
}
