// The page the React hook tests drive: a real React tree in StrictMode (development build, so
// effects and renders really run twice) over one Tandem client, exposed as window.reactHarness.
import { createTandem } from '@tandem/client'
import { TandemProvider, useDoc, useDocStatus, usePresence, useRecord, useRecords } from '@tandem/react'
import { StrictMode, useEffect } from 'react'
import { createRoot, type Root } from 'react-dom/client'

export interface ReactHarness {
  /** WebSockets the client constructed so far. */
  sockets(): number
  /** Every (status, pending) pair the component rendered with, in order, without repeats. */
  statusLog(): string[]
  /** What the component shows now. */
  view(): { status: string; others: string[]; req: string | null; records: number; rejected: string | null }
  type(text: string): void
  setOnline(online: boolean): void
  updateReq(state: string): Promise<void>
  /** Unmounts and mounts the tree again `times` times. */
  remount(times: number): void
  /** Listeners the client's objects hold now (for leak checks). */
  listeners(): { docStatus: number; awareness: number; recordsStatus: number; rejected: number }
}

declare global {
  interface Window {
    reactHarness: ReactHarness
  }
}

const params = new URLSearchParams(location.search)
const me = params.get('name') ?? 'anon'
let sockets = 0
class CountingSocket extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols)
    sockets++
  }
}
const tandem = createTandem({ url: params.get('relay') ?? '', storage: 'memory', WebSocket: CountingSocket })
const statusLog: string[] = []
const view: ReturnType<ReactHarness['view']> = { status: '', others: [], req: null, records: 0, rejected: null }

function Probe() {
  const { doc, status, pending } = useDoc('notes')
  const alsoStatus = useDocStatus('notes')
  const presence = usePresence('notes')
  const { records } = useRecords('approvals')
  const req = useRecord('approvals', 'req')
  const { setMyState } = presence
  useEffect(() => setMyState({ name: me }), [setMyState])
  const entry = `${status}:${pending}`
  if (statusLog.at(-1) !== entry) statusLog.push(entry)
  if (alsoStatus.state !== status) throw new Error('useDocStatus and useDoc disagree')
  Object.assign(view, {
    status,
    others: presence.others.map((o) => String(o.state.name)),
    req: typeof req.value?.state === 'string' ? req.value.state : null,
    records: records.length,
    rejected: req.lastRejected?.reason ?? null,
  })
  return <p data-status={status}>{doc?.getText('body').toString()}</p>
}

const host = document.body.appendChild(document.createElement('div'))
let root: Root
const mount = () => {
  root = createRoot(host)
  root.render(
    <StrictMode>
      <TandemProvider client={tandem}>
        <Probe />
      </TandemProvider>
    </StrictMode>,
  )
}
mount()

const sizeOf = (o: unknown, key: string) => (o as Record<string, Set<unknown> | undefined>)[key]?.size ?? 0

window.reactHarness = {
  sockets: () => sockets,
  statusLog: () => statusLog.slice(),
  view: () => ({ ...view }),
  type: (text) => tandem.doc('notes').doc.getText('body').insert(0, text),
  setOnline: (online) => tandem.setOnline(online),
  updateReq: (state) => tandem.records('approvals').update('req', { state }),
  remount(times) {
    for (let i = 0; i < times; i++) {
      root.unmount()
      mount()
    }
  },
  listeners() {
    const handle = tandem.doc('notes')
    const collection = tandem.records('approvals')
    const observers = (handle.awareness as unknown as { _observers: Map<string, Set<unknown>> })._observers
    const emitter = (collection as unknown as { emitter: { listeners: Map<string, Set<unknown>> } }).emitter
    return {
      docStatus: sizeOf(handle.status, 'listeners'),
      awareness: observers.get('change')?.size ?? 0,
      recordsStatus: sizeOf(collection.status, 'listeners'),
      rejected: emitter.listeners.get('rejected')?.size ?? 0,
    }
  },
}
