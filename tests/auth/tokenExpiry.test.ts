import { CloseCode } from '@tandem/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { tandemClient } from '../client/tandemClient.ts'
import { sleep, waitUntil } from '../helpers/wait.ts'
import { type AuthRig, restText, startAuthRelay, stockOutcome, tandemSocket } from './authRig.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function rig(): Promise<AuthRig> {
  const r = await startAuthRelay()
  cleanups.push(() => r.close())
  return r
}

describe('token lifetime', () => {
  it('refreshes before expiry without reconnecting: getToken is asked again and the socket stays', async () => {
    const r = await rig()
    let issued = 0
    const errors: Error[] = []
    const t = tandemClient(r.relay.url, {
      getToken: () => {
        issued++
        return r.token({ docs: ['*'] }, 2_000)
      },
      onError: (e) => errors.push(e),
    })
    cleanups.push(() => t.destroy())
    const h = t.doc('refresh')
    await h.whenSaved()
    const connectionsBefore = r.relay.metrics.value('tandem_connections_total')
    await sleep(3_500)
    // Tokens last 2 s; the server asked for a new one before each expired.
    expect(issued).toBeGreaterThanOrEqual(3)
    expect(r.relay.metrics.value('tandem_connections_total')).toBe(connectionsBefore)
    h.doc.getText('t').insert(0, 'still writing')
    await h.whenSaved()
    expect(errors).toEqual([])
    expect(await restText(r, 'refresh', await r.token({ docs: ['*'] }))).toBe('still writing')
  })

  it('closes a Tandem session whose token expires without a refresh (4401)', async () => {
    const r = await rig()
    const s = await tandemSocket(r.relay)
    await s.hello(await r.token({ docs: ['*'] }, 1_500))
    await s.welcomed()
    const started = Date.now()
    expect(await s.closed).toBe(CloseCode.Unauthorized)
    const ms = Date.now() - started
    expect(ms).toBeGreaterThan(500)
    expect(ms).toBeLessThan(4_000)
    // It was asked to refresh first.
    expect(s.got.some((m) => m.type === 13)).toBe(true)
  })

  it('closes a stock connection when its token expires (4401)', async () => {
    const r = await rig()
    const token = await r.token({ docs: ['*'] }, 1_200)
    const outcome = stockOutcome(`${r.relay.url}/doc?token=${token}`, 4_000)
    expect(await outcome).toBe(CloseCode.Unauthorized)
  })

  it('a client whose token cannot be renewed is told why and keeps its edits pending', async () => {
    const r = await rig()
    const errors: string[] = []
    let good = true
    const t = tandemClient(r.relay.url, {
      getToken: () => (good ? r.token({ docs: ['*'] }, 60_000) : 'not-a-token'),
      onError: (e) => errors.push(e.message),
    })
    cleanups.push(() => t.destroy())
    const h = t.doc('pending')
    await h.whenSaved()
    good = false
    t.setOnline(false)
    h.doc.getText('t').insert(0, 'kept')
    t.setOnline(true)
    await waitUntil('the 4401 to be reported', () => errors.some((m) => m.includes('4401')))
    expect(h.status.value.state).not.toBe('saved')
    expect(h.status.value.pending).toBe(1)
    good = true
    await h.whenSaved()
  })
})
