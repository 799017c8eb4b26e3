import type { IncomingMessage, ServerResponse } from 'node:http'
import { type AuthClaims, type AwarenessEntry, CloseCode } from '@tandem/protocol'
import { NO_REQUEST } from '../auth/RequestInfo.ts'
import { AuthError, type TokenVerifier } from '../auth/TokenVerifier.ts'
import type { Logger } from '../ops/Logger.ts'
import type { Metrics } from '../ops/Metrics.ts'
import { HookRejection } from './HookRejection.ts'
import type {
  AuthenticateEvent,
  AwarenessEvent,
  ChangeEvent,
  ConnectEvent,
  ExtensionContext,
  LoadDocumentEvent,
  RecordsChangeEvent,
  RelayExtension,
  StoreDocumentEvent,
} from './RelayExtension.ts'
import { type HookOutcome, runHook } from './runHook.ts'

const OPEN_CLAIMS: AuthClaims = {
  sub: 'anonymous',
  docs: ['*'],
  collections: ['*'],
  scope: 'write',
  exp: Number.POSITIVE_INFINITY,
}

type HookName = Exclude<keyof RelayExtension, 'name' | 'priority' | 'onConfigure' | 'onDestroy'>

/**
 * The registered extensions, sorted, and how each hook runs across them: operations a hook can
 * refuse (authenticate, connect, load, request) await every extension in order and stop at the
 * first refusal; notifications (disconnect, change, store, records) are chained per document or
 * collection so they arrive in order, and never hold the relay up.
 */
export class Hooks {
  private readonly list: RelayExtension[]
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(
    extensions: readonly RelayExtension[],
    private readonly deps: { log: Logger; metrics: Metrics },
    private readonly timeoutMs = 10_000,
  ) {
    // A stable sort keeps registration order among equal priorities.
    this.list = [...extensions].sort((a, b) => (b.priority ?? 100) - (a.priority ?? 100))
  }

  /** Runs every onConfigure in order; the first that throws fails the relay's creation. */
  async configure(context: ExtensionContext): Promise<void> {
    for (const ext of this.list) await ext.onConfigure?.(context)
  }

  /** Runs every onDestroy, after the notifications already queued; a failure is logged. */
  async destroy(): Promise<void> {
    await Promise.all([...this.chains.values()])
    for (const ext of this.list) {
      const hook = ext.onDestroy
      if (hook) await this.run('onDestroy' as HookName, ext, () => hook(), {})
    }
  }

  has(hook: HookName): boolean {
    return this.list.some((e) => e[hook] !== undefined)
  }

  private run<T>(hook: HookName, ext: RelayExtension, call: () => T | Promise<T>, detail: Record<string, unknown>) {
    return runHook(this.deps, hook, call, this.timeoutMs, { extension: ext.name, ...detail })
  }

  /**
   * Token checks with onAuthenticate in front: the first extension that grants claims decides;
   * if none does, `base` (the built-in verification) does, or, without one, everyone may do
   * everything as in a relay without tokens.
   */
  verifier(base: TokenVerifier | null): TokenVerifier | null {
    if (!this.has('onAuthenticate')) return base
    return async (token, context) => {
      const granted = await this.authenticate({
        token: token ?? null,
        request: context?.request ?? NO_REQUEST,
        via: context?.via ?? 'rest',
      })
      if (granted) return granted
      return base ? base(token, context) : { ...OPEN_CLAIMS }
    }
  }

  /** Claims granted by the first extension that returns some; undefined if none does. Throws AuthError. */
  async authenticate(event: AuthenticateEvent): Promise<AuthClaims | undefined> {
    for (const ext of this.list) {
      const hook = ext.onAuthenticate
      if (!hook) continue
      const outcome = await this.run('onAuthenticate', ext, () => hook(event), { via: event.via })
      if (!outcome.ok) {
        const answer: { closeCode?: number; status?: number } = outcome.reason === 'rejected' ? outcome.error : {}
        const forbidden = answer.closeCode === CloseCode.Forbidden
        throw new AuthError(forbidden ? 'forbidden' : 'invalid', refusal(outcome, 'not authenticated'), {
          closeCode: answer.closeCode,
          status: answer.status,
        })
      }
      const granted = outcome.value
      if (granted) return { ...granted, exp: granted.exp ?? Number.POSITIVE_INFINITY }
    }
    return undefined
  }

  /** Resolves when every extension lets the client open the document; throws HookRejection. */
  async connect(event: ConnectEvent): Promise<void> {
    for (const ext of this.list) {
      const hook = ext.onConnect
      if (!hook) continue
      const outcome = await this.run('onConnect', ext, () => hook(event), { doc: event.documentName })
      if (!outcome.ok) throw asRejection(outcome, 'refused by the server')
    }
  }

  disconnect(event: ConnectEvent): void {
    this.notify('onDisconnect', `doc:${event.documentName}`, (ext) => ext.onDisconnect?.(event))
  }

  /** Runs every onLoadDocument in order; throws (the load fails) at the first that does not succeed. */
  async loadDocument(event: LoadDocumentEvent): Promise<void> {
    for (const ext of this.list) {
      const hook = ext.onLoadDocument
      if (!hook) continue
      const outcome = await this.run('onLoadDocument', ext, () => hook(event), { doc: event.documentName })
      if (!outcome.ok) throw asRejection(outcome, 'could not load document')
    }
  }

  change(event: ChangeEvent): void {
    this.notify('onChange', `doc:${event.documentName}`, (ext) => ext.onChange?.(event))
  }

  storeDocument(event: StoreDocumentEvent): void {
    this.notify('onStoreDocument', `doc:${event.documentName}`, (ext) => ext.onStoreDocument?.(event))
  }

  recordsChange(event: RecordsChangeEvent): void {
    this.notify('onRecordsChange', `records:${event.collection}`, (ext) => ext.onRecordsChange?.(event))
  }

  /**
   * Presence to broadcast after every beforeBroadcastAwareness ran (each sees the previous
   * one's result); null drops it. A filter that throws drops the message: a privacy filter
   * that fails must not leak what it was meant to hide.
   */
  awareness(event: AwarenessEvent): AwarenessEntry[] | null {
    let entries = event.entries
    for (const ext of this.list) {
      const hook = ext.beforeBroadcastAwareness
      if (!hook) continue
      try {
        const next = hook({ ...event, entries })
        if (next === null) return null
        if (next !== undefined) entries = next
      } catch (err) {
        this.deps.metrics.inc(
          'tandem_hook_failures_total',
          'Application hook calls that threw or ran past their time limit',
          {
            hook: 'beforeBroadcastAwareness',
            reason: 'error',
          },
        )
        this.deps.log.error('hook failed', {
          hook: 'beforeBroadcastAwareness',
          extension: ext.name,
          error: String(err),
        })
        return null
      }
    }
    return entries
  }

  /** True once an extension handled the request; a refusal or failure is answered here. */
  async request(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    for (const ext of this.list) {
      const hook = ext.onRequest
      if (!hook) continue
      const outcome = await this.run('onRequest', ext, () => hook(req, res), { url: req.url })
      if (outcome.ok && outcome.value) return true
      if (outcome.ok) continue
      if (!res.headersSent) {
        const status = outcome.reason === 'rejected' ? (outcome.error.status ?? 403) : 500
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: refusal(outcome, 'internal error') }))
      } else res.destroy()
      return true
    }
    return false
  }

  /** Runs `call` for each extension after the previous notification of `key` settled. */
  private notify(hook: HookName, key: string, call: (ext: RelayExtension) => unknown): void {
    const exts = this.list.filter((e) => e[hook] !== undefined)
    if (exts.length === 0) return
    const previous = this.chains.get(key) ?? Promise.resolve()
    const next = previous.then(async () => {
      for (const ext of exts) await this.run(hook, ext, () => call(ext), { key })
    })
    this.chains.set(key, next)
    // Forget a settled chain, so keys of documents long gone do not pile up.
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key)
    })
  }
}

function refusal(outcome: Exclude<HookOutcome<unknown>, { ok: true }>, fallback: string): string {
  return outcome.reason === 'rejected' ? outcome.error.message : fallback
}

/** A refusal as it reaches the client: the hook's own, or an internal error for a failure. */
function asRejection(outcome: Exclude<HookOutcome<unknown>, { ok: true }>, fallback: string): HookRejection {
  if (outcome.reason === 'rejected') return outcome.error
  return new HookRejection(fallback, { closeCode: CloseCode.InternalError, status: 500 })
}
