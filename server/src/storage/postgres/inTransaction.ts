import type pg from 'pg'

/**
 * Runs `fn` in one transaction on a client of `pool` (`mode` after BEGIN, e.g. an isolation
 * level): committed when it resolves, rolled back when it throws, the client always released.
 */
export async function inTransaction<T>(pool: pg.Pool, mode: string, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  try {
    await client.query(mode ? `BEGIN ${mode}` : 'BEGIN')
    const result = await fn(client)
    await client.query('COMMIT')
    return result
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
