import { join } from 'node:path'
import { SqliteStorage } from '@tandem/server'
import { describeStorageAdapter } from '@tandem/testing'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

describeStorageAdapter('SqliteStorage', async () => {
  const dir = await makeTempDir('sqlite')
  const file = join(dir, 'tandem.sqlite')
  return {
    open: async () => new SqliteStorage({ file }),
    destroy: () => removeDir(dir),
  }
})
