/**
 * Transaction origins of changes that did not start in this tab. Anything else is a local
 * change: it counts as pending until it is both stored on the device and acked by the server.
 */
export const FROM_SERVER = Symbol('tandem:server')
export const FROM_OTHER_TAB = Symbol('tandem:other-tab')
export const FROM_STORE = Symbol('tandem:store')

export function isLocalOrigin(origin: unknown): boolean {
  return origin !== FROM_SERVER && origin !== FROM_OTHER_TAB && origin !== FROM_STORE
}
