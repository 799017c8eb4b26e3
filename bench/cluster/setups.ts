// The setups under test: Tandem on PostgreSQL + Redis with 1, 2 and 3 instances, Tandem on
// SQLite (one instance), and Hocuspocus with its Redis extension (1 and 2 instances, each
// instance with its own SQLite file). Each setup gets its own PostgreSQL schema and Redis
// prefix, derived from a per-run id, so setups and runs never see each other's documents.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { type Instance, launch, type ServerSpec, servers, shutdown } from '../relay/servers/index.ts'

export type SetupKind = 'tandem-pg' | 'tandem-sqlite' | 'hocus-redis'

export interface SetupDef {
  key: string
  label: string
  kind: SetupKind
  instances: number
}

export const setupDefs: SetupDef[] = [
  { key: 'tpg1', label: 'Tandem x1 PG+Redis', kind: 'tandem-pg', instances: 1 },
  { key: 'tpg2', label: 'Tandem x2 PG+Redis', kind: 'tandem-pg', instances: 2 },
  { key: 'tpg3', label: 'Tandem x3 PG+Redis', kind: 'tandem-pg', instances: 3 },
  { key: 'tsql', label: 'Tandem x1 SQLite', kind: 'tandem-sqlite', instances: 1 },
  { key: 'hp1', label: 'Hocuspocus x1 Redis', kind: 'hocus-redis', instances: 1 },
  { key: 'hp2', label: 'Hocuspocus x2 Redis', kind: 'hocus-redis', instances: 2 },
]

export const usesRedis = (d: SetupDef) => d.kind !== 'tandem-sqlite'
export const usesPostgres = (d: SetupDef) => d.kind === 'tandem-pg'

export interface Services {
  pgUrl: string
  redisUrl: string
  /** unique per run, e.g. bench_cluster_1234_ab12cd */
  runId: string
}

export interface Setup {
  def: SetupDef
  instances: Instance[]
  /** PostgreSQL schema, also the application_name of its connections (tandem-pg only) */
  schema: string
  redisPrefix: string
}

const tandem = servers.find((s) => s.id === 'tandem')!

function withParam(url: string, key: string, value: string): string {
  const u = new URL(url)
  u.searchParams.set(key, value)
  return u.toString()
}

function specFor(def: SetupDef, svc: Services, schema: string, prefix: string, index: number): ServerSpec {
  if (def.kind === 'tandem-sqlite') return { ...tandem, label: def.label }
  if (def.kind === 'tandem-pg') {
    return {
      ...tandem,
      label: def.label,
      args: (root, port, dir) => {
        const base = tandem.args(root, port, dir)
        const pgUrl = withParam(svc.pgUrl, 'application_name', schema)
        return {
          args: [...base.args, '--postgres', pgUrl, '--redis', svc.redisUrl],
          env: { ...base.env, TANDEM_POSTGRES_SCHEMA: schema, TANDEM_REDIS_PREFIX: prefix },
        }
      },
    }
  }
  const redis = new URL(svc.redisUrl)
  return {
    id: 'hocuspocus',
    label: def.label,
    flavour: 'hocus',
    persists: true,
    available: (root) => existsSync(join(root, 'node_modules/@hocuspocus/extension-redis')),
    args: (root, port, dir) => ({
      args: [
        join(root, 'bench/cluster/servers/hocuspocus-redis.mjs'),
        ...['--port', String(port), '--data', dir, '--prefix', prefix, '--id', `${prefix}-${index}`],
        ...['--redis-host', redis.hostname, '--redis-port', redis.port || '6379'],
      ],
      env: {},
    }),
    ready: /hocuspocus-redis listening/,
  }
}

/** Starts every instance of `def` (pinned to the server core by `launch`); all or nothing. */
export async function startSetup(def: SetupDef, svc: Services, root: string, tmp: string): Promise<Setup> {
  const schema = `${svc.runId}_${def.key}`
  const redisPrefix = `${schema}:`
  const specs = Array.from({ length: def.instances }, (_, i) => specFor(def, svc, schema, redisPrefix, i))
  const spec0 = specs[0]!
  if (!spec0.available(root)) throw new Error(`${def.label}: not available (package or server missing)`)
  // The first instance creates the schema; the others start together after it.
  const first = await launch(spec0, root, join(tmp, def.key, 'i0'))
  const rest = await Promise.allSettled(specs.slice(1).map((s, i) => launch(s, root, join(tmp, def.key, `i${i + 1}`))))
  const instances = [first, ...rest.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))]
  const failed = rest.find((r) => r.status === 'rejected')
  if (failed) {
    await Promise.all(instances.map((i) => shutdown(i)))
    throw failed.reason
  }
  return { def, instances, schema, redisPrefix }
}

export async function stopSetup(setup: Setup): Promise<void> {
  await Promise.all(setup.instances.map((i) => shutdown(i)))
}

/** Drops the schemas and deletes the Redis keys (Hocuspocus' store locks) of this run. */
export async function cleanupServices(svc: Services): Promise<string[]> {
  const problems: string[] = []
  const client = new pg.Client({ connectionString: svc.pgUrl, connectionTimeoutMillis: 3_000 })
  try {
    await client.connect()
    for (const def of setupDefs.filter(usesPostgres)) {
      await client.query(`DROP SCHEMA IF EXISTS "${svc.runId}_${def.key}" CASCADE`)
    }
  } catch (e) {
    problems.push(`dropping schemas: ${e instanceof Error ? e.message : e}`)
  } finally {
    await client.end().catch(() => {})
  }
  const { Redis } = await import('ioredis')
  const redis = new Redis(svc.redisUrl, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    const keys = await redis.keys(`${svc.runId}_*`)
    if (keys.length) await redis.del(...keys)
  } catch (e) {
    problems.push(`deleting Redis keys: ${e instanceof Error ? e.message : e}`)
  } finally {
    redis.disconnect()
  }
  return problems
}
