import { PostgresStorage } from '@tandem/server'
import { describe } from 'vitest'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'
import { describeStorageAdapter } from './storageAcceptance.ts'

const available = await postgresAvailable()

describe.runIf(available)('PostgreSQL', () => {
  describeStorageAdapter('PostgresStorage', async () => {
    const schema = uniqueSchema('tandem_test')
    return {
      open: () => PostgresStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 4 }),
      destroy: () => dropSchema(schema),
    }
  })
})
