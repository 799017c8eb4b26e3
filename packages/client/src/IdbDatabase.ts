/**
 * One IndexedDB database, opened on first use and shared by every call after it. Another
 * tab's schema upgrade (versionchange) or the browser closing the connection drops it, and
 * the next call opens it again, so a long-lived page never holds a dead handle.
 */
export class IdbDatabase {
  private db: Promise<IDBDatabase> | null = null

  constructor(
    private readonly name: string,
    private readonly version: number,
    private readonly upgrade: (db: IDBDatabase, tx: IDBTransaction | null) => void,
    /** Injected for tests that make IndexedDB fail. */
    private readonly factory?: IDBFactory,
  ) {}

  open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = (this.factory ?? indexedDB).open(this.name, this.version)
      req.onupgradeneeded = () => this.upgrade(req.result, req.transaction)
      req.onsuccess = () => {
        const db = req.result
        // Another tab upgrading the schema: let it, and reopen on next use.
        db.onversionchange = () => {
          db.close()
          this.db = null
        }
        db.onclose = () => {
          this.db = null
        }
        resolve(db)
      }
      req.onerror = () => reject(req.error)
      req.onblocked = () => reject(new Error('IndexedDB upgrade blocked by another tab'))
    }).catch((err) => {
      this.db = null
      throw err
    })
    return this.db
  }

  close(): void {
    this.db?.then(
      (db) => db.close(),
      () => {},
    )
    this.db = null
  }
}
