import { describe, expect, it } from 'vitest'
import { parseCliArgs, USAGE, UsageError } from '../../../server/src/main/parseCliArgs.ts'

/** Every `--flag` of the help text with its variable and a value that parses. */
const samples: Record<string, string> = {
  host: '127.0.0.2',
  port: '4321',
  data: '/srv/tandem',
  sync: 'full',
  'secret-file': '/run/secret',
  'public-key-file': '/run/key.pem',
  'public-key-alg': 'ES256',
  'allowed-origins': 'https://a.example, https://b.example',
  'authority-collections': 'approvals,budgets',
  'tombstone-horizon': '12h',
  postgres: 'postgres://127.0.0.1/test',
  redis: 'redis://127.0.0.1:6379',
  'admin-token-file': '/run/admin',
  static: '/srv/www',
  'log-level': 'warn',
  'allowed-hosts': 'tandem.example,Other.Example',
  'metrics-token-file': '/run/metrics-token',
  'headers-timeout-ms': '5000',
  'request-timeout-ms': '20000',
  'held-ms': '5000',
  'commit-retry-ms': '5000',
  'compact-updates': '200',
  'compact-bytes': '65536',
  'compact-lease-ms': '2000',
  'history-quiet-ms': '2000',
  'history-every': '50',
  'history-keep': '7d',
  'history-bucket': '1h',
  'webhook-url': 'http://127.0.0.1:9/hook',
  'webhook-secret-file': '/run/hook-secret',
  'webhook-events': 'document.changed,records.changed',
  'webhook-debounce-ms': '500',
}

const optionLines = USAGE.split('\n').filter((l) => /^\s+--[a-z]/.test(l))

describe('every flag has an environment variable', () => {
  it('the help text names one for each flag', () => {
    expect(optionLines.length).toBeGreaterThan(20)
    for (const line of optionLines) expect(line, line).toMatch(/env TANDEM_[A-Z_]+/)
  })

  it('each variable sets what its flag sets, and the flag wins over it', () => {
    for (const line of optionLines) {
      const flag = /--([a-z-]+)/.exec(line)![1]!
      const envName = /env (TANDEM_[A-Z_]+)/.exec(line)![1]!
      if (flag === 'dev') {
        expect(parseCliArgs([], { TANDEM_DEV: '1' }).devTokens).toBe(true)
        expect(parseCliArgs([], { TANDEM_DEV: '0' }).devTokens).toBe(false)
        expect(() => parseCliArgs([], { TANDEM_DEV: 'sure' })).toThrow(UsageError)
        continue
      }
      const value = samples[flag] ?? (flag.startsWith('max-') ? '4096' : undefined)
      expect(value, `a sample value for --${flag}`).toBeDefined()
      const byFlag = parseCliArgs([`--${flag}`, value!], {})
      const byEnv = parseCliArgs([], { [envName]: value! })
      expect(byEnv, `${envName} vs --${flag}`).toEqual(byFlag)
      expect(byEnv, `${envName} changes something`).not.toEqual(parseCliArgs([], {}))
    }
  })

  it('prints a version with -v', () => {
    expect(parseCliArgs(['-v'], {}).version).toBe(true)
    expect(parseCliArgs([], {}).version).toBe(false)
  })
})
