import { createServer } from 'node:net'

/**
 * A port that was free a moment ago. Only for the rare case where a port must be fixed before
 * the server starts; otherwise pass port 0 and read the port the server reports.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}
