/**
 * Makes the client's IndexedDB database unusable the way another tab can: an upgrade to a
 * newer schema version. The client's connection gets `versionchange` and closes; its reopen
 * at its own version then fails with a VersionError on every attempt. Real IndexedDB, real errors.
 */
let blocker: IDBDatabase | null = null

export async function breakIndexedDb(name: string): Promise<void> {
  const current = await new Promise<number>((resolve, reject) => {
    const req = indexedDB.open(name)
    req.onsuccess = () => {
      req.result.close()
      resolve(req.result.version)
    }
    req.onerror = () => reject(req.error)
  })
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(name, current + 1)
    req.onsuccess = () => {
      blocker = req.result
      resolve()
    }
    req.onerror = () => reject(req.error)
  })
}

/**
 * "Storage works again": drop the newer-version database (the user cleared site data, or the
 * other tab's app version rolled back). The client recreates it and must rewrite everything
 * it holds, since nothing of the failed period nor before survives in the dropped database.
 */
export function repairIndexedDb(name: string): Promise<void> {
  blocker?.close()
  blocker = null
  return new Promise((resolve, reject) => {
    const req = indexedDB.deleteDatabase(name)
    req.onsuccess = () => resolve()
    req.onerror = () => reject(req.error)
  })
}
