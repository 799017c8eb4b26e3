import { afterEach, expect, it } from 'vitest'
import { type StockClient, syncedClient } from '../helpers/client.ts'
import { killAllServers, spawnServer } from '../helpers/serverProcess.ts'
import { makeTempDir, removeDir } from '../helpers/tempDir.ts'
import { waitUntil } from '../helpers/wait.ts'

/**
 * A restore is acknowledged once anyone saw it: kill -9 the relay the moment a reader holds
 * the restored content, and the restart must still show it, with the history intact.
 */

const clients: StockClient[] = []
const dirs: string[] = []
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy()
  killAllServers()
  for (const d of dirs.splice(0)) await removeDir(d)
})

const http = (url: string) => url.replace(/^ws:/, 'http:')
const versions = async (url: string) =>
  ((await (await fetch(`${http(url)}/v1/docs/crash/versions`)).json()) as { versions: { id: number }[] }).versions

it('kill -9 right after a restore was forwarded loses neither the restore nor the history', async () => {
  const dir = await makeTempDir('restore-kill9')
  dirs.push(dir)
  const server = await spawnServer({ dataDir: dir, extraArgs: ['--history-quiet-ms', '30'] })
  const writer = await syncedClient(server.url, 'crash')
  const reader = await syncedClient(server.url, 'crash')
  clients.push(writer, reader)
  writer.doc.getText('t').insert(0, 'monday')
  await waitUntil('a version of monday', async () => (await versions(server.url)).length === 1)
  const [v1] = await versions(server.url)
  writer.doc.getText('t').insert(6, ' tuesday')
  await waitUntil('reader has tuesday', () => reader.doc.getText('t').toString() === 'monday tuesday')
  let killed = false
  reader.doc.getText('t').observe(() => {
    if (!killed && reader.doc.getText('t').toString() === 'monday') {
      killed = true
      server.child.kill('SIGKILL')
    }
  })
  const restore = fetch(`${http(server.url)}/v1/docs/crash/versions/${v1!.id}/restore`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
  }).catch(() => null)
  await waitUntil('the relay was killed after forwarding the restore', () => killed)
  await server.exited
  await restore
  const again = await spawnServer({ dataDir: dir })
  const fresh = await syncedClient(again.url, 'crash')
  clients.push(fresh)
  expect(fresh.doc.getText('t').toString()).toBe('monday')
  expect((await versions(again.url)).map((v) => v.id)).toContain(v1!.id)
})
