import { PostgresRecordStorage, PostgresStorage } from '@tandem/server'
import { describeRecordStorage, describeStorageAdapter } from '@tandem/testing'
import { describe } from 'vitest'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'

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

describe.runIf(available)('PostgreSQL records', () => {
  describeRecordStorage('PostgresRecordStorage', async () => {
    const schema = uniqueSchema('tandem_rec')
    return {
      async open() {
        const docs = await PostgresStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 4 })
        const records = new PostgresRecordStorage(docs)
        // The record storage shares the documents' pool; closing it here closes that pool.
        return Object.assign(records, { close: () => docs.close() })
      },
      destroy: () => dropSchema(schema),
    }
  })
})
