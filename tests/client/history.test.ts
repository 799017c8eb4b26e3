import { HistoryError } from '@tandem/client'
import { afterEach, expect, it } from 'vitest'
import { startAuthRelay } from '../auth/authRig.ts'
import { waitUntil } from '../helpers/wait.ts'
import { tandemClient } from './tandemClient.ts'

const cleanups: (() => unknown)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

it('handle.history lists, previews, saves and restores with the client token; a read token cannot restore', async () => {
  const rig = await startAuthRelay({ historyQuietMs: 30 })
  cleanups.push(() => rig.close())
  const writer = tandemClient(rig.relay.url, {
    getToken: () => rig.token({ docs: ['essay'], scope: 'write', sub: 'ada' }),
  })
  const reader = tandemClient(rig.relay.url, {
    getToken: () => rig.token({ docs: ['essay'], scope: 'read', sub: 'bo' }),
  })
  cleanups.push(
    () => writer.destroy(),
    () => reader.destroy(),
  )
  const doc = writer.doc('essay')
  doc.doc.getText('t').insert(0, 'draft one')
  await waitUntil('a version', async () => (await doc.history.list()).length === 1)
  const [first] = await doc.history.list()
  expect(first!.authors).toEqual(['ada'])
  const saved = await doc.history.save('before rewrite')
  expect(saved).toMatchObject({ name: 'before rewrite', authors: ['ada'] })
  doc.doc.getText('t').delete(0, 9)
  doc.doc.getText('t').insert(0, 'rewritten')
  await waitUntil('a version of the rewrite', async () => (await doc.history.list()).length === 3)
  expect((await doc.history.preview(first!.id)).getText('t').toString()).toBe('draft one')
  const theirs = reader.doc('essay')
  await expect(theirs.history.restore(first!.id)).rejects.toMatchObject({ status: 403 })
  await expect(theirs.history.save('mine')).rejects.toBeInstanceOf(HistoryError)
  expect((await theirs.history.list()).length).toBe(3)
  const restored = await doc.history.restore(first!.id)
  expect(restored.name).toBe(`Restored version ${first!.id}`)
  await waitUntil('both see the restore', () =>
    [doc, theirs].every((h) => h.doc.getText('t').toString() === 'draft one'),
  )
})

it('history.onChange tells every client of the document of each new version, the reader too', async () => {
  const rig = await startAuthRelay({ historyQuietMs: 30 })
  cleanups.push(() => rig.close())
  const writer = tandemClient(rig.relay.url, { getToken: () => rig.token({ docs: ['*'], sub: 'ada' }) })
  const reader = tandemClient(rig.relay.url, { getToken: () => rig.token({ docs: ['*'], scope: 'read', sub: 'bo' }) })
  cleanups.push(
    () => writer.destroy(),
    () => reader.destroy(),
  )
  const mine = writer.doc('notified')
  const theirs = reader.doc('notified')
  const other = reader.doc('unrelated')
  const heard: [string, number][] = []
  mine.history.onChange((id) => heard.push(['writer', id]))
  const stop = theirs.history.onChange((id) => heard.push(['reader', id]))
  other.history.onChange((id) => heard.push(['unrelated', id]))
  await Promise.all([mine.whenSaved(), theirs.whenSaved()])
  mine.doc.getText('t').insert(0, 'first')
  await waitUntil('both hear the automatic version', () => heard.length === 2)
  const [auto] = await mine.history.list()
  expect(heard.sort()).toEqual([
    ['reader', auto!.id],
    ['writer', auto!.id],
  ])
  stop()
  const named = await mine.history.save('named')
  await waitUntil('the writer hears the named one', () => heard.some(([, id]) => id === named.id))
  expect(heard.filter(([who]) => who !== 'writer').length).toBe(1)
})
