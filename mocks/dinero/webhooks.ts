import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { generated } from './contract/index.ts'
import { orgRoute } from './endpoint.ts'
import { CODES, DineroError, validationError } from './errors.ts'
import { WEBHOOK_EVENTS, type WebhookEventId, webhookEventId } from './webhook-events.ts'

/**
 * Webhooks (dinero-openapi, tag Webhooks): the four operations, per organisation.
 * - POST /v1/:org/webhooks/subscribe `SubscribeToWebhookModel {Uri, EventId}` → 200, empty; the
 *   model's checks first (unknown properties → 400 code 42), then: Uri required, an absolute
 *   http(s) URL of at most 2,048 characters, and EventId one of the events below → else 400
 *   code 42 naming the property. Any Uri is accepted, as Dinero would; what is delivered where
 *   is webhook-delivery.ts's business (loopback only);
 * - DELETE /v1/:org/webhooks/unsubscribe `UnsubscribeFromWebhookModel {EventId}` → 200, empty;
 * - GET /v1/:org/webhooks/subscriptions → `[{EventId, Uri}]`, oldest first;
 * - GET /v1/:org/webhooks/events → `[{EventId, Description}]` (webhook-events.ts).
 * assumption: open-dinero-webhooks — the spec publishes these answers as "200 OK" without a
 * body, and nothing on who owns a subscription. Here a subscription belongs to the organisation
 * (the models carry no client): subscribing the same EventId and Uri again changes nothing;
 * unsubscribing ends every subscription to the event and is 200 when there was none; an
 * organisation holds at most 100 subscriptions, the 101st → 400 code 43 (Limit Exceeded).
 */
const MAX_URI = 2_048
const MAX_SUBSCRIPTIONS = 100

function eventOf(
  sent: string | null | undefined,
  errors: Record<string, string>,
): WebhookEventId | undefined {
  if (sent == null || sent === '') {
    errors.EventId = 'The EventId field is required.'
    return undefined
  }
  const id = webhookEventId(sent)
  if (id === undefined)
    errors.EventId = `Unknown EventId '${sent}'; GET /v1/{organizationId}/webhooks/events lists the events`
  return id
}

function uriOf(sent: string | null | undefined, errors: Record<string, string>): string | undefined {
  if (sent == null || sent === '') {
    errors.Uri = 'The Uri field is required.'
    return undefined
  }
  const url = sent.length <= MAX_URI && URL.canParse(sent) ? new URL(sent) : undefined
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    errors.Uri = 'The Uri field is not a valid fully-qualified http or https URL.'
    return undefined
  }
  return url.href
}

export function webhookRoutes(ctx: DineroContext): Route[] {
  return [
    orgRoute(ctx, 'POST', '/v1/:organizationId/webhooks/subscribe', async ({ req, org }) => {
      const body = validate(
        generated.schema('SubscribeToWebhookModel'),
        await readJson(req.request),
        'SubscribeToWebhookModel',
      ) as { Uri?: string | null; EventId?: string | null }
      const errors = errorMap()
      const uri = uriOf(body.Uri, errors)
      const eventId = eventOf(body.EventId, errors)
      if (uri === undefined || eventId === undefined) throw validationError(errors)
      const book = ctx.store.webhooks(org.Id)
      const known = book.all().some((s) => s.EventId === eventId && s.Uri === uri)
      if (!known && book.all().length >= MAX_SUBSCRIPTIONS)
        throw new DineroError(
          400,
          CODES.LimitExceeded,
          `An organisation can hold at most ${MAX_SUBSCRIPTIONS} webhook subscriptions`,
        )
      book.subscribe(eventId, uri)
      req.note({ webhookEvent: eventId })
      return emptyOk()
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/webhooks/unsubscribe', async ({ req, org }) => {
      const body = validate(
        generated.schema('UnsubscribeFromWebhookModel'),
        await readJson(req.request),
        'UnsubscribeFromWebhookModel',
      ) as { EventId?: string | null }
      const errors = errorMap()
      const eventId = eventOf(body.EventId, errors)
      if (eventId === undefined) throw validationError(errors)
      req.note({ webhookEvent: eventId, ended: ctx.store.webhooks(org.Id).unsubscribe(eventId) })
      return emptyOk()
    }),
    orgRoute(ctx, 'GET', '/v1/:organizationId/webhooks/subscriptions', ({ org }) =>
      dineroJson(
        ctx.store
          .webhooks(org.Id)
          .all()
          .map((s) => ({ EventId: s.EventId, Uri: s.Uri })),
      ),
    ),
    orgRoute(ctx, 'GET', '/v1/:organizationId/webhooks/events', () =>
      dineroJson(Object.entries(WEBHOOK_EVENTS).map(([EventId, Description]) => ({ EventId, Description }))),
    ),
  ]
}
