import { createConnection, createServer, type Server, type Socket } from 'node:net'

/**
 * A round-robin TCP load balancer on 127.0.0.1: each new connection goes to the next backend
 * that accepts it. What "any load balancer" means for the cluster tests: clients of a killed
 * instance reconnect through it and land on a live one.
 */
export interface TcpProxy {
  port: number
  url: string
  setBackends(ports: number[]): void
  close(): Promise<void>
}

export async function startTcpProxy(backends: number[]): Promise<TcpProxy> {
  let ports = [...backends]
  let next = 0
  const sockets = new Set<Socket>()
  const connect = (client: Socket, tries: number) => {
    if (tries >= ports.length || ports.length === 0) return client.destroy()
    const port = ports[next++ % ports.length]!
    const upstream = createConnection({ host: '127.0.0.1', port })
    let connected = false
    upstream.once('connect', () => {
      connected = true
      sockets.add(upstream)
      client.pipe(upstream).pipe(client)
      upstream.on('close', () => client.destroy())
      client.on('close', () => upstream.destroy())
    })
    upstream.on('error', () => {
      sockets.delete(upstream)
      // Refused: try the next backend. Broken after connecting: the client reconnects itself.
      if (!connected) connect(client, tries + 1)
      else client.destroy()
    })
  }
  const server: Server = createServer((client) => {
    sockets.add(client)
    client.on('error', () => client.destroy())
    client.on('close', () => sockets.delete(client))
    connect(client, 0)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    setBackends(p) {
      ports = [...p]
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
