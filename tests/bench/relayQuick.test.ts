// Smoke test for bench/relay: the quick mode runs all four servers and every cell of the table
// holds a number (or n/a where a metric does not apply). No timing is asserted.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '../..')

function runQuick(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/relay/run.ts', '--quick'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString()
    })
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString()
    })
    const timer = setTimeout(() => child.kill('SIGTERM'), 140_000)
    child.once('error', fail)
    child.once('exit', (code) => {
      clearTimeout(timer)
      done({ code, stdout, stderr })
    })
  })
}

test('bench/relay --quick produces numbers for every server', { timeout: 150_000 }, async () => {
  const { code, stdout, stderr } = await runQuick()
  expect(code, stderr.slice(-3000)).toBe(0)
  const rows = stdout.split('\n').filter((l) => l.startsWith('| '))
  const header = rows[0] ?? ''
  for (const label of ['Tandem', 'websocket-server', 'Hocuspocus', 'raw ws forwarder']) {
    expect(header).toContain(label)
  }
  const body = rows.slice(1).filter((l) => !l.startsWith('| ---'))
  expect(body.length).toBeGreaterThanOrEqual(10)
  for (const row of body) {
    const serverCells = row
      .split('|')
      .slice(2, 6)
      .map((c) => c.trim())
    for (const cell of serverCells) expect(cell, row).toMatch(/^(-?[\d.]+|n\/a|∞ \(lost\))/)
  }
  expect(stdout).not.toContain('ERROR')
})
