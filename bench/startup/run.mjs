#!/usr/bin/env node
// Start-to-listening time and idle RSS of relay binaries, measured side by side (alternating
// runs, so machine load hits both alike). Usage:
//   node bench/startup/run.mjs [--runs 10] NAME=path/to/bin.mjs [NAME=path/to/other.mjs ...]
// Each run starts the binary on a free port with a fresh SQLite folder, waits for its
// "listening" line, lets it idle 2 s, reads VmRSS from /proc, and stops it with SIGTERM.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const args = process.argv.slice(2)
let runs = 10
const bins = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--runs') runs = Number(args[++i])
  else {
    const [name, path] = args[i].split('=')
    bins.push({ name, path, starts: [], rss: [] })
  }
}
if (bins.length === 0) throw new Error('usage: run.mjs [--runs N] NAME=BIN ...')

function once(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-startup-'))
  const t0 = performance.now()
  const child = spawn(process.execPath, [bin.path, '--port', '0', '--data', dir, '--log-level', 'silent'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  })
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin.name} did not listen within 20 s`)), 20_000)
    let out = ''
    child.stdout.on('data', (chunk) => {
      out += chunk
      if (!out.includes('listening on')) return
      const ms = performance.now() - t0
      setTimeout(() => {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
        const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)[1])
        child.kill('SIGTERM')
        child.once('exit', () => {
          clearTimeout(timer)
          rmSync(dir, { recursive: true, force: true })
          resolve({ ms, rssMb: rssKb / 1024 })
        })
      }, 2_000)
    })
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
for (let r = 0; r < runs; r++) {
  for (const bin of bins) {
    const { ms, rssMb } = await once(bin)
    bin.starts.push(ms)
    bin.rss.push(rssMb)
  }
}
console.log(`| binary | start to listening (median of ${runs}) | idle RSS (median) |`)
console.log('| --- | --- | --- |')
for (const b of bins) console.log(`| ${b.name} | ${median(b.starts).toFixed(0)} ms | ${median(b.rss).toFixed(1)} MiB |`)
