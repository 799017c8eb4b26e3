import { afterAll } from 'vitest'
import { killAllServers, type ServerProcess, spawnServer } from './serverProcess.ts'
import { dropSchema, POSTGRES_URL, postgresAvailable, REDIS_URL, redisAvailable, uniqueSchema } from './services.ts'
import { makeTempDir, removeDir } from './tempDir.ts'

/** PostgreSQL and Redis both answer (tests that need them run only then; CI requires them). */
export async function clusterAvailable(): Promise<boolean> {
  return (await postgresAvailable()) && (await redisAvailable())
}

/** Cleanups run in reverse after the file's tests, then any relay process left is killed. */
export function cleanupAfterAll(): (() => unknown)[] {
  const stops: (() => unknown)[] = []
  afterAll(async () => {
    for (const stop of stops.splice(0).reverse()) await stop()
    killAllServers()
  })
  return stops
}

export interface ClusterRig {
  readonly schema: string
  readonly dir: string
  /** The schema and Redis prefix of this test, for every instance. */
  readonly env: Record<string, string>
  /**
   * Relay instance `name` (its own data folder) on the test's schema and prefix; `postgres`
   * and `redis` replace the services' URLs (a proxy in front of one, say).
   */
  start(name: string | number, options?: { postgres?: string; redis?: string; args?: string[] }): Promise<ServerProcess>
}

/** A PostgreSQL schema and Redis prefix of the test's own, dropped (with its folder) afterwards. */
export async function clusterRig(label: string, stops: (() => unknown)[]): Promise<ClusterRig> {
  const schema = uniqueSchema(`tandem_${label}`)
  const dir = await makeTempDir(label)
  stops.push(
    () => dropSchema(schema),
    () => removeDir(dir),
  )
  const env = { TANDEM_POSTGRES_SCHEMA: schema, TANDEM_REDIS_PREFIX: `${schema}:` }
  return {
    schema,
    dir,
    env,
    start: (name, options = {}) =>
      spawnServer({
        dataDir: `${dir}/${name}`,
        extraArgs: [
          '--postgres',
          options.postgres ?? POSTGRES_URL,
          '--redis',
          options.redis ?? REDIS_URL,
          ...(options.args ?? []),
        ],
        env,
      }),
  }
}
