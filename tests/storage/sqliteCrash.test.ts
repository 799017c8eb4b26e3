import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SqliteDocStorage } from '@tandem/server'
import { afterEach, expect, it } from 'vitest'
import { repoRoot } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { withTimeout } from '../helpers/wait.ts'

/**
 * "When append resolves, every entry survives a crash": a child process appends as fast as it
 * can and reports each resolved call; we kill -9 it mid-stream and check every reported call
 * is on disk, whole, and in both documents it wrote.
 */

const fixture = fileURLToPath(new URL('./fixtures/appendUntilKilled.ts', import.meta.url))
let dir = ''

afterEach(async () => {
  if (dir) await removeDir(dir)
})

it('keeps every append that resolved before a kill -9', async () => {
  dir = await makeTempDir('sqlite-crash')
  const file = join(dir, 'crash.sqlite')
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, file], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const reported = new Set<number>()
  // Killed after 300 resolved appends, or 5 s after the first one on a slow (busy) disk: the
  // check is that what resolved survived, however many that is.
  let firstReportAt = 0
  let stderr = ''
  let buffered = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (c: string) => {
    stderr = (stderr + c).slice(-5000)
  })
  child.stdout.setEncoding('utf8')
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      const m = /^committed (\d+)$/.exec(line)
      if (m) reported.add(Number(m[1]))
    }
    if (reported.size > 0 && firstReportAt === 0) firstReportAt = Date.now()
    const enough = reported.size >= 300 || (reported.size >= 10 && Date.now() - firstReportAt > 5_000)
    // synchronously, in the same tick as reading the report: no time for a lazy flush
    if (enough && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const exit = await withTimeout(
    'append child to be killed',
    new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal))),
    30_000,
  ).catch((err: unknown) => {
    child.kill('SIGKILL')
    throw new Error(
      `${(err as Error).message}; ${reported.size} appends reported, exit ${child.exitCode ?? child.signalCode}; child stderr: ${stderr}`,
    )
  })
  expect(exit, stderr).toBe('SIGKILL')
  expect(reported.size).toBeGreaterThanOrEqual(10)

  const storage = new SqliteDocStorage({ file })
  try {
    const ids = async (doc: string) => {
      const { updates } = await storage.load(doc)
      return updates.map((u) => {
        const i = new DataView(u.buffer, u.byteOffset, u.byteLength).getUint32(0)
        // the body is whole: no torn or mixed-up entry
        expect(u.byteLength).toBe(1024 + (i % 4) * 1024)
        expect(u.subarray(4).every((b) => b === (i & 0xff))).toBe(true)
        return i
      })
    }
    const a = await ids('crash-a')
    const b = await ids('crash-b')
    const missing = [...reported].filter((i) => !a.includes(i))
    console.log(`sqlite kill -9: ${reported.size} appends reported committed, ${missing.length} missing after restart`)
    expect(missing).toEqual([])
    expect(new Set(a).size).toBe(a.length)
    // one call, one transaction: both documents hold exactly the same calls
    expect([...b].sort((x, y) => x - y)).toEqual([...a].sort((x, y) => x - y))
  } finally {
    await storage.close()
  }
})
