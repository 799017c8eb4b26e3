/** One saved version of a document (stored as a delta onto the one before, see VersionChain). */
export interface VersionInfo {
  id: number
  doc: string
  /** Milliseconds since the epoch, from the storage's clock. */
  at: number
  /** Token `sub`/name of everyone whose changes went into this version, or "anonymous". */
  authors: string[]
  /** Bytes of the version's whole encoded state (what a preview sends). */
  size: number
  /** Bytes the version takes in storage (its delta, or its whole state for a keyframe). */
  stored: number
  /** Set for versions a user named; named versions are kept for ever by retention. */
  name: string | null
}

export interface NewVersion {
  doc: string
  state: Uint8Array
  authors: readonly string[]
  name?: string | null
}

/**
 * Where document history lives, beside DocStorage: compaction of the document log never
 * touches it, so folding the log cannot throw the past away.
 */
export interface VersionStorage {
  add(version: NewVersion): Promise<VersionInfo>
  /** Versions of one document, oldest first. */
  list(doc: string): Promise<VersionInfo[]>
  /** The whole encoded (V1) state of one version, or null when it does not exist for that document. */
  state(doc: string, id: number): Promise<Uint8Array | null>
  rename(doc: string, id: number, name: string): Promise<boolean>
  /** Drops versions; the versions built on them are rewritten so they stay readable. */
  remove(doc: string, ids: readonly number[]): Promise<void>
  close(): Promise<void>
}
