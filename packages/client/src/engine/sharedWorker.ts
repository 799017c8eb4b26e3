// The SharedWorker entry: `new SharedWorker(url-of-this-module, { type: 'module' })`. Every tab
// of the origin that names it shares one socket per server (see WorkerTransport).
import { EngineHost } from './EngineHost.ts'

interface SharedWorkerScope {
  onconnect: ((event: MessageEvent) => void) | null
  navigator?: { locks?: { request(name: string, callback: () => unknown): Promise<unknown> } }
}

const scope = globalThis as unknown as SharedWorkerScope
const host = new EngineHost({ locks: scope.navigator?.locks })
scope.onconnect = (event) => {
  const port = event.ports[0]
  if (port) host.connect(port)
}
