import { join } from 'node:path'
import { SqliteDocStorage } from '@tandem/server'
import { describeDocStorage } from '@tandem/testing'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'

describeDocStorage('SqliteDocStorage', async () => {
  const dir = await makeTempDir('sqlite')
  const file = join(dir, 'tandem.sqlite')
  return {
    open: async () => new SqliteDocStorage({ file }),
    destroy: () => removeDir(dir),
  }
})
