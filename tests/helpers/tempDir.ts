import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh directory per test, so no test can see another's data through a shared data dir. */
export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `tandem-${prefix}-`))
}

export async function removeDir(dir: string): Promise<void> {
  // retries: SQLite may still be closing its WAL files when a killed child's handles are reaped
  await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 })
}
