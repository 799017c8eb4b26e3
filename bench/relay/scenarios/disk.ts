// Data-directory helpers: total bytes on disk and waiting until a server stops writing.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { sleep } from '../client/pool.ts'

export function dirBytes(dir: string): number {
  let total = 0
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return 0
  }
  for (const name of entries) {
    const path = join(dir, name)
    const st = statSync(path, { throwIfNoEntry: false })
    if (!st) continue
    total += st.isDirectory() ? dirBytes(path) : st.size
  }
  return total
}

/** Resolves once the directory's size has not changed for `quietMs` (or after `maxMs`). */
export async function waitForQuiet(dir: string, quietMs = 1_500, maxMs = 20_000): Promise<void> {
  const end = performance.now() + maxMs
  let last = dirBytes(dir)
  let since = performance.now()
  while (performance.now() < end) {
    await sleep(100)
    const now = dirBytes(dir)
    if (now !== last) {
      last = now
      since = performance.now()
    } else if (performance.now() - since >= quietMs) return
  }
}
