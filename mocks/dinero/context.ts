import type { Clock } from '../clock.ts'
import type { ConnectContext } from '../connect/context.ts'
import type { Deviations } from '../deviations.ts'
import type { FileQuota } from '../options.ts'
import type { DineroStore } from './store.ts'
import type { WebhookEmitter } from './webhook-events.ts'

/**
 * What every Dinero handler is given. The Connect context is there so the API can verify the
 * bearer JWTs that mock issued (same key set, same clock, same revocations).
 */
export interface DineroOptions {
  /** dinero-api-errors: 100 requests a minute per organisation; 0 switches the limit off. */
  rateLimitPerMinute: number
  /**
   * Send Retry-After on 429 (off by default: not observed on the real API, open-dinero-429-headers).
   */
  retryAfter: boolean
  /** What one organisation's files may hold (files.ts; `dinero.fileQuota` in MockOptions). */
  fileQuota: FileQuota
}

export interface DineroContext {
  clock: Clock
  connect: ConnectContext
  deviations: Deviations
  options: DineroOptions
  store: DineroStore
  /** Tells subscribers what happened (webhook-events.ts). */
  webhooks: WebhookEmitter
}
