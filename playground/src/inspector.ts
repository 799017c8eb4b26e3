import type { DocHandle, Tandem } from '@tandem/client'
import * as Y from 'yjs'

/**
 * What the sync engine is doing, for people learning how it works: the state vector,
 * pending/stored/acked changes, check-ins, the device storage used and a connection log.
 */
export function mountInspector(root: HTMLElement, tandem: Tandem, handle: DocHandle): () => void {
  const pre = document.createElement('pre')
  pre.className = 'inspector__state'
  const log = document.createElement('ol')
  log.className = 'inspector__log'
  root.replaceChildren(pre, log)
  const note = (text: string) => {
    const li = document.createElement('li')
    li.textContent = `${new Date().toLocaleTimeString()} ${text}`
    log.prepend(li)
    while (log.children.length > 50) log.lastChild?.remove()
  }
  let storage = 'not reported by this browser'
  const readStorage = () =>
    tandem.storageEstimate().then(
      (r) => {
        if (!r) return
        const mb = (n: number) => `${(n / 1_048_576).toFixed(1)} MB`
        storage = `${mb(r.usage)} of ${mb(r.quota)} used, ${r.persisted ? 'persistent' : 'may be evicted'}`
      },
      () => {},
    )
  const render = () => {
    const sv = Object.fromEntries(Y.decodeStateVector(Y.encodeStateVector(handle.doc)))
    const s = handle.status.value
    const last = handle.checkIns.at(-1)
    pre.textContent = JSON.stringify(
      {
        connection: tandem.connection.value,
        status: s.state,
        pending: s.pending,
        changes: handle.progress(),
        stateVector: sv,
        lastCheckIn: last
          ? { match: last.match, repaired: last.repaired, at: new Date(last.at).toLocaleTimeString() }
          : null,
        checkIns: handle.checkIns.length,
        device: s.device,
        storage,
        lastError: s.lastError?.message ?? null,
      },
      null,
      2,
    )
  }
  const stops = [
    tandem.connection.subscribe((c) => {
      note(`connection: ${c}`)
      render()
    }),
    handle.status.subscribe((s) => {
      render()
      if (s.lastError) note(`error: ${s.lastError.message}`)
    }),
  ]
  const timer = setInterval(render, 1000)
  // Estimates cost a little: every 10 s is plenty for a number that moves slowly.
  const storageTimer = setInterval(() => void readStorage().then(render), 10_000)
  void readStorage().then(render)
  render()
  return () => {
    clearInterval(timer)
    clearInterval(storageTimer)
    for (const stop of stops) stop()
  }
}
