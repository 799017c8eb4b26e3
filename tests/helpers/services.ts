import pg from 'pg'

export const POSTGRES_URL = process.env.TANDEM_TEST_POSTGRES ?? 'postgres://postgres@127.0.0.1:5432/test'
export const REDIS_URL = process.env.TANDEM_TEST_REDIS ?? 'redis://127.0.0.1:6379'

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check()
    return true
  } catch {
    return false
  }
}

/**
 * Whether PostgreSQL answers. Under CI it must: a missing service fails the run instead of
 * silently skipping the tests that need it. Elsewhere the tests skip, loudly.
 */
export async function postgresAvailable(): Promise<boolean> {
  const ok = await reachable(async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 })
    await client.connect()
    await client.query('SELECT 1')
    await client.end()
  })
  return required('PostgreSQL', POSTGRES_URL, ok)
}

export async function redisAvailable(): Promise<boolean> {
  const { Redis } = await import('ioredis')
  const ok = await reachable(async () => {
    const r = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0 })
    await r.connect()
    await r.ping()
    r.disconnect()
  })
  return required('Redis', REDIS_URL, ok)
}

function required(what: string, url: string, ok: boolean): boolean {
  if (ok) return true
  if (process.env.CI) throw new Error(`${what} is not reachable at ${url}, and CI requires it`)
  console.warn(`\n!!! ${what} is not reachable at ${url}: SKIPPING the tests that need it !!!\n`)
  return false
}

/** A schema of its own per test, dropped afterwards, so runs never see each other's rows. */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL })
  await client.connect()
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  await client.end()
}
