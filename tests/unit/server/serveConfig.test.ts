import { describe, expect, it } from 'vitest'
import { resolveServeConfig } from '../../../server/src/main/config.ts'
import { parseCliArgs, UsageError } from '../../../server/src/main/parseCliArgs.ts'

const SECRET = 'a-secret-of-at-least-thirty-two-bytes'
const files: Record<string, string> = {
  '/run/secret': `${SECRET}\n`,
  '/run/short': 'short\n',
  '/run/admin': 'admin-token-0123456789\n',
  '/run/metrics': 'metrics-token-0123456789\n',
  '/run/key.pem': '-----BEGIN PUBLIC KEY-----\n...',
}
const read = (path: string) => {
  const text = files[path]
  if (text === undefined) throw new Error(`ENOENT ${path}`)
  return text
}

describe('resolveServeConfig: flags and environment -> one configuration', () => {
  it('reads secret and token files, names the backends, and leaves the parsed options alone', () => {
    const argv = [
      '--secret-file',
      '/run/secret',
      '--admin-token-file',
      '/run/admin',
      '--metrics-token-file',
      '/run/metrics',
    ]
    const env = {
      TANDEM_POSTGRES_URL: 'postgres://127.0.0.1/test',
      TANDEM_POSTGRES_SCHEMA: 's1',
      TANDEM_REDIS_URL: 'redis://x',
    }
    const options = parseCliArgs(argv, env)
    const before = structuredClone(options)
    const config = resolveServeConfig(options, env, read)
    expect(options).toEqual(before)
    expect(new TextDecoder().decode(config.relay.auth?.secret as Uint8Array)).toBe(SECRET)
    expect(config.relay.adminToken).toBe('admin-token-0123456789')
    expect(config.relay.metricsToken).toBe('metrics-token-0123456789')
    expect(config.postgres).toEqual({ url: 'postgres://127.0.0.1/test', schema: 's1' })
    expect(config.redis).toEqual({ url: 'redis://x', prefix: 'tandem:' })
    expect(config.relay).not.toHaveProperty('secretFile')
    expect(config.relay).not.toHaveProperty('postgresUrl')
  })

  it('takes the secret from TANDEM_SECRET, and no auth at all without one', () => {
    expect(resolveServeConfig(parseCliArgs([], {}), {}, read).relay.auth).toBeUndefined()
    const env = { TANDEM_SECRET: SECRET }
    expect(resolveServeConfig(parseCliArgs([], env), env, read).relay.auth?.secret).toBeInstanceOf(Uint8Array)
    const pem = resolveServeConfig(parseCliArgs(['--public-key-file', '/run/key.pem'], {}), {}, read)
    expect(pem.relay.auth?.publicKeyPem).toMatch(/BEGIN PUBLIC KEY/)
  })

  it('refuses short secrets and tokens with a usage error', () => {
    expect(() => resolveServeConfig(parseCliArgs(['--secret-file', '/run/short'], {}), {}, read)).toThrow(UsageError)
    expect(() => resolveServeConfig(parseCliArgs([], { TANDEM_SECRET: 'x' }), { TANDEM_SECRET: 'x' }, read)).toThrow(
      /TANDEM_SECRET is 1 bytes/,
    )
    expect(() => resolveServeConfig(parseCliArgs(['--admin-token-file', '/run/short'], {}), {}, read)).toThrow(
      /admin token must be at least 16/,
    )
  })
})
