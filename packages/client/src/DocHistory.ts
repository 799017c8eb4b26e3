import * as Y from 'yjs'

/** One saved version of a document, as the relay lists it. */
export interface DocVersion {
  id: number
  /** Milliseconds since the epoch. */
  at: number
  /** Token `sub` of the writers, or "anonymous". */
  authors: string[]
  /** Bytes of the version's whole encoded state (what a preview downloads). */
  size: number
  /** Bytes the version takes on the relay (a delta onto the version before, or a keyframe). */
  stored: number
  /** Set for versions a user named (restores included). */
  name: string | null
}

/** The relay refused or failed a history request; `status` is the HTTP status. */
export class HistoryError extends Error {
  override readonly name = 'HistoryError'
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}

export interface DocHistoryOptions {
  /** The relay's WebSocket base URL (ws:// or wss://); REST lives on the same host over http(s). */
  url: string
  getToken?: () => string | Promise<string>
}

/**
 * A document's history on the relay, over its REST API with the client's token: list
 * versions, preview one as a read-only Y.Doc, name the current state, restore one. A restore
 * is a forward change made by the relay; it reaches this document like any other change.
 */
export class DocHistory {
  private readonly base: string
  private readonly listeners = new Set<(newest: number) => void>()

  constructor(
    docName: string,
    private readonly options: DocHistoryOptions,
  ) {
    const http = options.url.replace(/^ws(s?):/, 'http$1:').replace(/\/+$/, '')
    this.base = `${http}/v1/docs/${encodeURIComponent(docName)}/versions`
  }

  private async request(path: string, init: RequestInit = {}): Promise<Response> {
    const token = (await this.options.getToken?.()) ?? ''
    const headers: Record<string, string> = {
      ...(init.body !== undefined || init.method === 'POST' ? { 'content-type': 'application/json' } : {}),
    }
    if (token) headers.authorization = `Bearer ${token}`
    const res = await fetch(`${this.base}${path}`, { ...init, headers })
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { error?: string }
      throw new HistoryError(body.error ?? `history request failed with ${res.status}`, res.status)
    }
    return res
  }

  /**
   * Calls `listener` whenever the relay records a version of this document (an automatic one,
   * a named one, a restore), with the newest version's id, while connected to the relay that
   * recorded it; call `list()` for the versions. Returns the unsubscribe function.
   */
  onChange(listener: (newest: number) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** @internal The sync layer heard of a new version; a listener that throws is reported, not rethrown. */
  changed(newest: number, onError?: (error: Error) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(newest)
      } catch (err) {
        onError?.(err instanceof Error ? err : new Error(String(err)))
      }
    }
  }

  /** Versions, oldest first. */
  async list(): Promise<DocVersion[]> {
    return ((await (await this.request('')).json()) as { versions: DocVersion[] }).versions
  }

  /** Version `id` as a document of its own (edits to it go nowhere). */
  async preview(id: number): Promise<Y.Doc> {
    const doc = new Y.Doc()
    Y.applyUpdate(doc, new Uint8Array(await (await this.request(`/${id}`)).arrayBuffer()))
    return doc
  }

  /** Saves the current state on the relay under `name` (write access). */
  async save(name: string): Promise<DocVersion> {
    const res = await this.request('', { method: 'POST', body: JSON.stringify({ name }) })
    return ((await res.json()) as { version: DocVersion }).version
  }

  /** Makes the document show version `id` again, for everyone (write access); returns the restore's own version. */
  async restore(id: number): Promise<DocVersion> {
    const res = await this.request(`/${id}/restore`, { method: 'POST' })
    return ((await res.json()) as { version: DocVersion }).version
  }
}
