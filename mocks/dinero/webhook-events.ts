import type { Clock } from '../clock.ts'
import type { Deviations } from '../deviations.ts'
import type { DineroStore } from './store.ts'
import type { WebhookDelivery } from './webhook-delivery.ts'

/**
 * The webhook events the mock emits, and the emitter handlers call when one happens.
 * assumption: open-dinero-webhooks — `GET /v1/{organizationId}/webhooks/events` is published
 * without a body, so the event ids are the mock's own: a lower-case entity, a dot, what happened.
 * Each event goes to every subscription of the organisation to that event id (webhooks.ts),
 * carrying the entity's Guid (a file's 32-character FileGuid for `file.uploaded`).
 * Deviation dinero.webhooks-not-delivered: nothing is emitted.
 */
export const WEBHOOK_EVENTS = {
  'contact.created': 'A contact was created',
  'contact.updated': 'A contact was updated',
  'contact.deleted': 'A contact was deleted',
  'invoice.created': 'A sales invoice draft was created',
  'invoice.booked': 'A sales invoice was booked',
  'invoice.payment-added': 'A payment was registered on a booked sales invoice',
  'file.uploaded': 'A file was uploaded to the file archive',
} as const

export type WebhookEventId = keyof typeof WEBHOOK_EVENTS

/** The event id as the catalogue spells it, matched case-insensitively; undefined when unknown. */
export function webhookEventId(sent: string): WebhookEventId | undefined {
  return (Object.keys(WEBHOOK_EVENTS) as WebhookEventId[]).find((id) => id === sent.toLowerCase())
}

export interface WebhookEmitter {
  /** Something happened to `entityGuid` in the organisation: deliver it to the event's subscribers. */
  emit(organizationId: number, eventId: WebhookEventId, entityGuid: string): void
}

export function createWebhookEmitter(deps: {
  store: DineroStore
  clock: Clock
  deviations: Deviations
  delivery: WebhookDelivery
}): WebhookEmitter {
  return {
    emit(organizationId, eventId, entityGuid) {
      if (deps.deviations.has('dinero.webhooks-not-delivered')) return
      const occurredAt = new Date(deps.clock.now()).toISOString()
      for (const s of deps.store.webhooks(organizationId).all()) {
        if (s.EventId !== eventId) continue
        deps.delivery.send(
          {
            EventId: eventId,
            OrganizationId: organizationId,
            EntityGuid: entityGuid,
            OccurredAt: occurredAt,
          },
          s.Uri,
        )
      }
    },
  }
}
