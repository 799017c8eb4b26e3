#!/usr/bin/env node
// The whole suite, as CI runs it: static checks, then every Vitest test. Each check counts as
// one test in the closing line, so a lint failure cannot hide behind green tests.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const tmp = join(root, '.tmp')
mkdirSync(tmp, { recursive: true })
let passed = 0
let failed = 0

function run(label, cmd, args, env = {}) {
  console.log(`\n== ${label}: ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status === 0
}

function check(label, cmd, args) {
  if (run(label, cmd, args)) passed++
  else {
    failed++
    console.log(`FAILED: ${label}`)
  }
}

// Browser tests use Debian's Chromium; nothing may download a browser of its own.
if (!existsSync('/usr/bin/chromium')) {
  if (process.getuid?.() === 0) {
    run('install chromium', 'sh', [
      '-c',
      'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
    ])
  } else {
    console.log('WARNING: /usr/bin/chromium is missing and this is not root; browser tests will fail.')
  }
}

check('lint', 'npx', ['biome', 'check', '.'])
check('typecheck', 'npx', ['tsc', '-p', 'tsconfig.json'])
check('layers', 'node', ['scripts/check-layers.mjs'])
// The packed-package tests (tests/pack) pack dist/; everything else runs from sources.
check('build', 'node', ['scripts/build.mjs'])

/** One Vitest run; its tests count in the closing line. */
function vitest(label, args) {
  const report = join(tmp, `${label}.json`)
  rmSync(report, { force: true })
  run(label, 'npx', ['vitest', 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`])
  if (!existsSync(report)) {
    failed++
    console.log(`FAILED: ${label} wrote no report`)
    return
  }
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed += r.numPassedTests
  failed += r.numFailedTests
  // A suite that fails to load (syntax error, failing hook) has no failed test but must still fail the run.
  const brokenFiles = r.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.every((a) => a.status !== 'failed'),
  )
  failed += brokenFiles.length
  for (const f of brokenFiles) console.log(`FAILED to run: ${f.name}: ${f.message}`)
}

// The benchmark smoke runs load both cores on purpose (floods, ten relay processes), so they
// run after the other tests instead of beside their timeouts.
vitest('vitest', ['--exclude', 'tests/bench/**'])
vitest('vitest-bench', ['tests/bench'])

/** The @playwright/test suites (playwright.config.ts); their tests count in the closing line too. */
function playwright(label) {
  const report = join(tmp, `${label}.json`)
  rmSync(report, { force: true })
  run(label, 'npx', ['playwright', 'test'], { PW_JSON: report })
  if (!existsSync(report)) {
    failed++
    console.log(`FAILED: ${label} wrote no report`)
    return
  }
  const { stats, errors } = JSON.parse(readFileSync(report, 'utf8'))
  passed += stats.expected + stats.flaky
  failed += stats.unexpected + (errors?.length ?? 0)
  for (const e of errors ?? []) console.log(`FAILED to run: ${e.message}`)
}

playwright('playwright')

console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
