import { PostgresDocStorage, PostgresRecordStorage } from '@tandem/server'
import { describeDocStorage, describeRecordStorage } from '@tandem/testing'
import { describe } from 'vitest'
import { dropSchema, POSTGRES_URL, postgresAvailable, uniqueSchema } from '../helpers/services.ts'

const available = await postgresAvailable()

describe.runIf(available)('PostgreSQL', () => {
  describeDocStorage('PostgresDocStorage', async () => {
    const schema = uniqueSchema('tandem_test')
    return {
      open: () => PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 4 }),
      destroy: () => dropSchema(schema),
    }
  })
})

describe.runIf(available)('PostgreSQL records', () => {
  describeRecordStorage('PostgresRecordStorage', async () => {
    const schema = uniqueSchema('tandem_rec')
    return {
      async open() {
        const docs = await PostgresDocStorage.connect({ url: POSTGRES_URL, schema, maxConnections: 4 })
        const records = new PostgresRecordStorage(docs)
        // The record storage shares the documents' pool; closing it here closes that pool.
        return Object.assign(records, { close: () => docs.close() })
      },
      destroy: () => dropSchema(schema),
    }
  })
})
