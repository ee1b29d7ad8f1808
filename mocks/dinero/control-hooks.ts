import type { ControlDeps } from '../control.ts'
import type { DineroContext, DineroOptions } from './context.ts'

/**
 * The Dinero side of the control surface (control.ts): lifecycle events that happen to an
 * organisation outside the app (the user loses access to it, it loses or regains Pro), a reset
 * that reseeds the Dinero store and restores the configured rate limit, and the rate-limit
 * settings (a number of requests a minute, 0 or more; `retryAfter` true or false; anything else
 * is ignored).
 */
export function dineroControlHooks(
  dinero: DineroContext,
  configured: DineroOptions,
): Pick<ControlDeps, 'onLifecycle' | 'onReset' | 'onSettings'> {
  return {
    onLifecycle: [
      (event, subject) => {
        if (event.event === 'remove-organisation-access')
          return dinero.store.revokeAccess(subject, event.organizationId)
        if (event.event === 'lose-pro') return dinero.store.setPro(event.organizationId, false)
        if (event.event === 'regain-pro') return dinero.store.setPro(event.organizationId, true)
        return false
      },
    ],
    onReset: [
      () => dinero.store.reset(),
      () => {
        dinero.options.rateLimitPerMinute = configured.rateLimitPerMinute
        dinero.options.retryAfter = configured.retryAfter
      },
    ],
    onSettings: [
      (patch) => {
        const limit = patch.dinero?.rateLimitPerMinute
        if (typeof limit === 'number' && Number.isFinite(limit) && limit >= 0)
          dinero.options.rateLimitPerMinute = limit
        const retryAfter = (patch.dinero as { retryAfter?: unknown } | undefined)?.retryAfter
        if (typeof retryAfter === 'boolean') dinero.options.retryAfter = retryAfter
      },
    ],
  }
}
