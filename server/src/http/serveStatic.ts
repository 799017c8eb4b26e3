import { createReadStream, type Stats, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, join, normalize, resolve, sep } from 'node:path'
import { hasControlBytes } from '../ops/hasControlBytes.ts'

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
 * What a browser needs to keep a served page to itself: no sniffing a file into a script, no
 * framing by other sites (clickjacking), no scripts but the page's own, no referrer leaking
 * document names. Styles may be inline: the editor injects its stylesheet and carets.
 */
export const STATIC_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self' ws: wss:; worker-src 'self'; manifest-src 'self'; object-src 'none'; " +
    "base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
}

/** Like statSync, but a name the file system refuses is simply not there. */
function statFile(file: string): Stats | undefined {
  try {
    return statSync(file, { throwIfNoEntry: false })
  } catch {
    return undefined
  }
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
  // file APIs throw on NUL: refuse every control byte before one is reached
  if (hasControlBytes(pathname)) {
    res.writeHead(400).end('bad path')
    return true
  }
  let file = normalize(join(base, pathname))
  if (file !== base && !file.startsWith(base + sep)) {
    res.writeHead(403).end('forbidden')
    return true
  }
  let stat = statFile(file)
  if (stat?.isDirectory()) {
    file = join(file, 'index.html')
    stat = statFile(file)
  }
  if (!stat?.isFile()) {
    file = join(base, 'index.html')
    stat = statFile(file)
    if (!stat?.isFile()) {
      res.writeHead(404).end('not found')
      return true
    }
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': 'no-cache',
    ...STATIC_SECURITY_HEADERS,
  })
  if (req.method === 'HEAD') res.end()
  else {
    // A file removed or unreadable between stat and read ends this response, nothing else.
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res)
  }
  return true
}
