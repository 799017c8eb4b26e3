// Summarises a V8 .cpuprofile (from BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"):
// self time per function and per package, to see where a server spends its CPU.
// Usage: node --import tsx bench/relay/cpuprofile.ts FILE.cpuprofile [top=25]
import { readFileSync } from 'node:fs'

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
}

const [file, topArg] = process.argv.slice(2)
if (!file) {
  process.stderr.write('usage: cpuprofile.ts FILE.cpuprofile [top]\n')
  process.exit(2)
}
const top = Number(topArg ?? 25)
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile
const byId = new Map(profile.nodes.map((n) => [n.id, n]))
const selfUs = new Map<number, number>()
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0))
})

const pkgOf = (url: string) => {
  const m = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (m) return m[1]!
  if (url.includes('/server/src/')) return 'tandem server'
  if (url.includes('/packages/')) return `tandem ${url.split('/packages/')[1]?.split('/')[0]}`
  if (url.startsWith('node:') || url === '') return url ? 'node internals' : '(native/gc/idle)'
  return url
}
const fn = new Map<string, number>()
const pkg = new Map<string, number>()
let total = 0
for (const [id, us] of selfUs) {
  const n = byId.get(id)
  if (!n) continue
  const { functionName, url, lineNumber } = n.callFrame
  if (functionName === '(idle)') continue
  total += us
  const short = url.split('/').slice(-2).join('/')
  const key = `${functionName || '(anonymous)'} ${short}:${lineNumber + 1}`
  fn.set(key, (fn.get(key) ?? 0) + us)
  pkg.set(pkgOf(url), (pkg.get(pkgOf(url)) ?? 0) + us)
}
const show = (title: string, m: Map<string, number>, n: number) => {
  process.stdout.write(`\n${title} (busy ${(total / 1e6).toFixed(2)} s)\n`)
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, n)) {
    process.stdout.write(
      `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`,
    )
  }
}
show('self time by package', pkg, 15)
show('self time by function', fn, top)
