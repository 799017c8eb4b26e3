import { spawn } from 'node:child_process'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '../..')

export interface BenchRun {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `bench/<name>/run.ts --quick` as its own process, as a person would, and collects its
 * output. SIGTERM after `termMs` lets the bench close its browsers and servers; SIGKILL
 * follows 10 s later if it does not.
 */
export function runQuickBench(name: string, termMs: number): Promise<BenchRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}/run.ts`, '--quick'], {
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
    const term = setTimeout(() => child.kill('SIGTERM'), termMs)
    const kill = setTimeout(() => child.kill('SIGKILL'), termMs + 10_000)
    child.once('error', fail)
    child.once('exit', (code) => {
      clearTimeout(term)
      clearTimeout(kill)
      done({ code, stdout, stderr })
    })
  })
}
