import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A TCP proxy on 127.0.0.1 in front of one service (PostgreSQL, Redis) that a test can cut
 * and restore, as a network partition or a restarting service would: `cut()` drops every
 * open connection and refuses new ones until `restore()`.
 */
export interface CutProxy {
  readonly port: number
  /** The service's URL with its port replaced by the proxy's. */
  readonly url: string
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function startCutProxy(serviceUrl: string): Promise<CutProxy> {
  const target = new URL(serviceUrl)
  const targetPort = Number(target.port)
  const sockets = new Set<Socket>()
  let down = false
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('error', () => client.destroy())
    client.on('close', () => sockets.delete(client))
    if (down) return client.destroy()
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort })
    sockets.add(upstream)
    upstream.on('error', () => client.destroy())
    upstream.on('close', () => {
      sockets.delete(upstream)
      client.destroy()
    })
    client.on('close', () => upstream.destroy())
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const proxied = new URL(serviceUrl)
  proxied.hostname = '127.0.0.1'
  proxied.port = String(port)
  return {
    port,
    url: proxied.toString(),
    cut() {
      down = true
      for (const s of sockets) s.destroy()
    },
    restore() {
      down = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        down = true
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
