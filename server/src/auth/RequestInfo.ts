import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/** The HTTP request a socket or REST call came in with, as hooks see it. */
export interface RequestInfo {
  ip: string
  url: string
  headers: IncomingHttpHeaders
}

/** How a client reached the relay. */
export type ClientVia = 'tandem' | 'y-websocket' | 'hocuspocus' | 'rest'

/** Where a token was presented: passed to token checks so hooks can look at the request. */
export interface TokenContext {
  request: RequestInfo
  via: ClientVia
}

/** What a request looks like to hooks. The headers object is the request's own (not copied). */
export function requestInfo(req: IncomingMessage): RequestInfo {
  return { ip: req.socket?.remoteAddress ?? '', url: req.url ?? '/', headers: req.headers }
}

/** For code paths without a request (tests building bare contexts). */
export const NO_REQUEST: RequestInfo = { ip: '', url: '/', headers: {} }
