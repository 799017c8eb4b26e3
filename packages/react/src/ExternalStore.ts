/**
 * The framework-free shape every binding needs: React's `useSyncExternalStore`, a Vue
 * `shallowRef` fed by `subscribe`, or a Svelte readable store are a few lines over it.
 * `getSnapshot` returns the same object until something changed (React compares by identity);
 * `getServerSnapshot` is a constant, so server rendering and hydration agree.
 */
export interface ExternalStore<T> {
  subscribe(onChange: () => void): () => void
  getSnapshot(): T
  getServerSnapshot(): T
}

/** A store whose snapshot is derived from a source, and the function the source calls on a change. */
export interface DerivedStore<T> {
  store: ExternalStore<T>
  /** Marks the snapshot stale and tells the subscribers. */
  changed(): void
}

/**
 * A store over a source that only says "something changed": the snapshot is recomputed lazily
 * on the first read after a change, so between changes every read returns the same object.
 * The caller wires `changed` to the source once, for the source's lifetime; subscribers come
 * and go without touching the source, so StrictMode's mount-unmount-mount leaves nothing behind.
 */
export function derivedStore<T>(compute: () => T, serverSnapshot: T): DerivedStore<T> {
  const listeners = new Set<() => void>()
  let current: T | undefined
  let stale = true
  return {
    store: {
      subscribe(onChange) {
        listeners.add(onChange)
        return () => listeners.delete(onChange)
      },
      getSnapshot() {
        if (stale) {
          current = compute()
          stale = false
        }
        return current as T
      },
      getServerSnapshot: () => serverSnapshot,
    },
    changed() {
      stale = true
      for (const l of [...listeners]) l()
    },
  }
}
