import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { expectConverged, expectNoLostEdits } from '@tandem/testing/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { repoRoot } from '../helpers/serverProcess.ts'
import { E2eRig, editorText, waitForSaved } from './e2eRig.ts'

let rig: E2eRig
beforeAll(async () => {
  rig = await E2eRig.start()
})
afterAll(() => rig?.close())

it('saved is durable: after saved, kill -9 the server, restart, and a new device sees the change', async () => {
  const a = await rig.open(await rig.device('writer'), 'durable', 'Ann')
  await a.locator('.ProseMirror').click()
  await a.keyboard.type('this must survive a crash')
  await waitForSaved(a)
  await rig.killServer()
  await rig.startServer()
  const fresh = await rig.open(await rig.device('fresh'), 'durable', 'Cy')
  await expectNoLostEdits([fresh], editorText, ['this must survive a crash'], { timeoutMs: 15_000 })
})

/**
 * A slice of a real editing trace (automerge-paper by Martin Kleppmann, CC BY 4.0, from the
 * josephg/editing-traces collection) typed by two devices at once: one takes the even
 * transactions, the other the odd ones, each at the trace's position clamped to its text.
 */
it('a real editing trace typed by two devices concurrently converges', async () => {
  const trace = JSON.parse(
    gunzipSync(readFileSync(join(repoRoot, '..', 'shared', 'data', 'traces', 'automerge-paper.json.gz'))).toString(),
  ) as { txns: { patches: [number, number, string][] }[] }
  const slice = trace.txns.slice(0, 400)
  const a = await rig.open(await rig.device('trace-a'), 'trace', 'Ann')
  const b = await rig.open(await rig.device('trace-b'), 'trace', 'Bob')
  const typeHalf = (page: Page, parity: number) =>
    page.evaluate(
      async ({ txns, parity }) => {
        const { editor } = (window as unknown as { tandemPage: { editor: import('@tiptap/core').Editor } }).tandemPage
        for (const [i, txn] of txns.entries()) {
          if (i % 2 !== parity) continue
          for (const [pos, del, text] of txn.patches) {
            const size = editor.state.doc.content.size - 2
            const from = 1 + Math.min(pos, size)
            const to = Math.min(from + del, size + 1)
            const chain = editor.chain()
            if (to > from) chain.deleteRange({ from, to })
            if (text) chain.insertContentAt(from, text.replace(/\n/g, ' '))
            chain.run()
          }
          if (i % 20 === parity) await new Promise((r) => setTimeout(r, 5))
        }
      },
      { txns: slice, parity },
    )
  await Promise.all([typeHalf(a, 0), typeHalf(b, 1)])
  await waitForSaved(a)
  await waitForSaved(b)
  const text = await expectConverged([a, b], editorText, { timeoutMs: 20_000 })
  expect(text.length).toBeGreaterThan(100)
})
