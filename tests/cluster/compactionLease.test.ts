import { PostgresDocStorage } from '@tandem/server'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { tandemClient } from '../client/tandemClient.ts'
import { cleanupAfterAll, clusterAvailable, clusterRig } from '../helpers/clusterRig.ts'
import type { ServerProcess } from '../helpers/serverProcess.ts'
import { POSTGRES_URL } from '../helpers/services.ts'
import { waitUntil } from '../helpers/wait.ts'

// A real pause of a real process: the compaction lease holder is SIGSTOPped while it holds the
// lease and has not written its checkpoint yet, kept stopped past the lease while the other
// instance takes the lease and checkpoints, then let go. Its stale checkpoint must be refused.

const available = await clusterAvailable()
const stops = cleanupAfterAll()

const LEASE_MS = 1_500
const DOC = 'leased'

interface LeaseRow {
  token: string
  live: boolean
}

describe.runIf(available)('compaction lease across two instances', () => {
  it('a holder paused past its lease cannot overwrite the newer checkpoint, and nothing acked is lost', async () => {
    const rig = await clusterRig('lease', stops)
    const { schema } = rig
    const db = new pg.Client({ connectionString: POSTGRES_URL })
    await db.connect()
    stops.push(() => db.end())
    const appA = `${schema}_a`
    const withApp = (name: string) => `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}application_name=${name}`
    const lease = ['--compact-lease-ms', String(LEASE_MS)]
    // A compacts often; B only when it shuts down, so every lease seen before that is A's.
    const a = await rig.start('a', { postgres: withApp(appA), args: [...lease, '--compact-updates', '10'] })
    let b: ServerProcess | null = await rig.start('b', { args: [...lease, '--compact-updates', '1000000000'] })
    const stopped = new Set<number>()
    const signal = (p: ServerProcess, s: 'SIGSTOP' | 'SIGCONT') => {
      process.kill(p.child.pid!, s)
      if (s === 'SIGSTOP') stopped.add(p.child.pid!)
      else stopped.delete(p.child.pid!)
    }
    // A stopped process must never outlive the test, whatever fails.
    stops.push(() => {
      for (const pid of stopped) process.kill(pid, 'SIGCONT')
    })
    const ta = tandemClient(a.url)
    const tb = tandemClient(b.url)
    stops.push(
      () => ta.destroy(),
      () => tb.destroy(),
    )
    const ha = ta.doc(DOC)
    const hb = tb.doc(DOC)
    const acked: string[] = []
    const write = async (h: typeof ha, tag: string, n: number, size: number) => {
      const text = h.doc.getText('t')
      for (let i = 0; i < n; i++) text.insert(text.length, `<${tag}${i}>${'x'.repeat(size)}`)
      await h.whenSaved()
      for (let i = 0; i < n; i++) acked.push(`<${tag}${i}>`)
    }
    const leaseRow = async () =>
      (
        await db.query<LeaseRow>(
          `SELECT token, expires_at > clock_timestamp() AS live FROM "${schema}".tandem_doc_lease WHERE doc = $1`,
          [DOC],
        )
      ).rows[0]
    const snapshotRow = async () =>
      (
        await db.query<{ lease_token: string | null; head: string; data: Buffer }>(
          `SELECT lease_token, head, data FROM "${schema}".tandem_doc_snapshot WHERE doc = $1`,
          [DOC],
        )
      ).rows[0]

    // Catch A holding the lease before its checkpoint is written (and not inside a
    // transaction, which would hold the document's lock and stall B's commits too).
    let staleToken = 0
    let writing: Promise<void> = Promise.resolve()
    for (let attempt = 0; attempt < 40 && !staleToken; attempt++) {
      writing = write(ha, `a${attempt}-`, 40, 2_000)
      const deadline = Date.now() + 5_000
      while (Date.now() < deadline) {
        const row = await leaseRow()
        if (row?.live) {
          signal(a, 'SIGSTOP')
          const again = await leaseRow()
          const snap = await snapshotRow()
          const inTx = await db.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND state LIKE 'idle in transaction%'",
            [appA],
          )
          if (again?.live && again.token === row.token && snap?.lease_token !== row.token && inTx.rowCount === 0) {
            staleToken = Number(row.token)
            break
          }
          signal(a, 'SIGCONT')
        }
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
      if (!staleToken) await writing
    }
    expect(staleToken, 'A caught holding the lease before writing its checkpoint').toBeGreaterThan(0)

    await waitUntil('A to lose the lease while paused', async () => (await leaseRow())?.live === false)
    // B keeps acknowledging while A is paused, then checkpoints (at shutdown) under a new lease.
    await write(hb, 'b-', 30, 100)
    await b.terminate()
    b = null
    const newer = await snapshotRow()
    expect(Number(newer?.lease_token), 'B checkpointed under a newer lease').toBeGreaterThan(staleToken)

    signal(a, 'SIGCONT')
    await waitUntil('A to be fenced out when it tries to write', () => a.logCount('compaction fenced out') > 0)
    expect(a.stderr()).toContain(`"token":${staleToken}`)
    const after = await snapshotRow()
    expect(Number(after?.lease_token)).not.toBe(staleToken)
    expect(Number(after?.head)).toBeGreaterThanOrEqual(Number(newer?.head))
    // A's clients' writes that were in flight when it was paused are acknowledged once it runs.
    await writing

    // Everything acknowledged is in storage: snapshot plus log as a fresh instance reads them.
    const storage = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 1 })
    stops.push(() => storage.close())
    const stored = await storage.load(DOC)
    const doc = new Y.Doc()
    for (const part of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) Y.applyUpdate(doc, part)
    const text = doc.getText('t').toString()
    for (const tag of acked) expect(text, tag).toContain(tag)
  })
})
