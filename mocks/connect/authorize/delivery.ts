import { MockHttpError } from '../../errors.ts'
import type { ConnectContext } from '../context.ts'
import type { ResponseMode } from '../model.ts'
import { FORM_POST_CSP, formPostPage, htmlResponse } from '../pages.ts'

/**
 * How `/connect/authorize` answers the client (RFC 6749 §4.1.2, §4.1.2.1; OAuth 2.0 Form Post
 * Response Mode; RFC 9207):
 * - the fields go to the validated redirect_uri in the request's response mode: `query` (302,
 *   appended after `?` or `&`), `fragment` (302, after `#`) or `form_post` (an auto-submitting
 *   page with a strict CSP and no referrer);
 * - `state` is echoed byte for byte (deviation authorize.alter-state changes it);
 * - only safe errors (duende-authorize-result: access_denied, login_required, consent_required,
 *   temporarily_unavailable) are delivered, each with `state` and `iss`;
 * - every delivery is `cache-control: no-store` except the deviation that sends validation errors
 *   to an unvalidated redirect_uri (authorize.errors-to-client), which copies that mistake as is.
 */
export interface DeliveryTarget {
  redirectUri: string
  responseMode: ResponseMode
  state?: string
}

/** A safe error or a success, delivered to the client's redirect_uri in its response mode. */
export class AuthorizeDelivery extends MockHttpError {
  constructor(
    readonly code: string,
    private readonly response: Response,
  ) {
    super(code)
  }
  toResponse(): Response {
    return this.response
  }
}

/** RFC 6749 §4.1.2 / OAuth 2.0 Form Post Response Mode / RFC 9207: deliver fields to the client. */
export function deliver(ctx: ConnectContext, v: DeliveryTarget, fields: [string, string][]): Response {
  const out: [string, string][] = fields.map(([k, val]) =>
    k === 'state' && ctx.deviations.has('authorize.alter-state') ? [k, `${val}~altered`] : [k, val],
  )
  if (v.responseMode === 'form_post') {
    return htmlResponse(formPostPage(v.redirectUri, out), 200, {
      'content-security-policy': FORM_POST_CSP,
      'referrer-policy': 'no-referrer',
    })
  }
  const encoded = new URLSearchParams(out).toString()
  const location =
    v.responseMode === 'fragment'
      ? `${v.redirectUri}#${encoded}`
      : `${v.redirectUri}${v.redirectUri.includes('?') ? '&' : '?'}${encoded}`
  return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store' } })
}

/** A safe error sent to the client (duende-authorize-result lists them), with state and iss. */
export function deliverError(ctx: ConnectContext, v: DeliveryTarget, issuer: string, error: string): never {
  const fields: [string, string][] = [['error', error]]
  if (v.state !== undefined) fields.push(['state', v.state])
  fields.push(['iss', issuer])
  throw new AuthorizeDelivery(error, deliver(ctx, v, fields))
}

/**
 * Deviation authorize.errors-to-client: a validation error redirected to whatever redirect_uri
 * was sent, unvalidated (what RFC 6749 §4.1.2.1 forbids), with its description and state.
 */
export function deliverUnvalidatedError(
  target: string,
  state: string | undefined,
  error: string,
  description: string,
): never {
  const q = new URLSearchParams({ error, error_description: description })
  if (state !== undefined) q.set('state', state)
  const location = `${target}${target.includes('?') ? '&' : '?'}${q}`
  throw new AuthorizeDelivery(error, new Response(null, { status: 302, headers: { location } }))
}
