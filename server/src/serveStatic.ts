import { createReadStream, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
}

/**
 * Serves files below `root`; unknown paths fall back to index.html so client-side routes
 * work. Returns false when it did not answer (not a GET/HEAD).
 */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false
  const base = resolve(root)
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  } catch {
    res.writeHead(400).end('bad path')
    return true
  }
  let file = normalize(join(base, pathname))
  if (file !== base && !file.startsWith(base + sep)) {
    res.writeHead(403).end('forbidden')
    return true
  }
  let stat = statSync(file, { throwIfNoEntry: false })
  if (stat?.isDirectory()) {
    file = join(file, 'index.html')
    stat = statSync(file, { throwIfNoEntry: false })
  }
  if (!stat?.isFile()) {
    file = join(base, 'index.html')
    stat = statSync(file, { throwIfNoEntry: false })
    if (!stat?.isFile()) {
      res.writeHead(404).end('not found')
      return true
    }
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': 'no-cache',
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
  return true
}
