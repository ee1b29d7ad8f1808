import type { RouteRequest } from '../routes.ts'
import { deliverError } from './authorize/delivery.ts'
import { callbackUrl, readSession, sessionCookie } from './authorize/session.ts'
import { type ValidAuthorizeRequest, validateAuthorize } from './authorize/validation.ts'
import type { ConnectContext } from './context.ts'
import { StatusError } from './errors.ts'
import { isFormContentType, readForm, toParams } from './form.ts'
import { consentPage, errorPage, htmlResponse, loginPage } from './pages.ts'

/**
 * The interactive pages IdentityServer's default UI serves (is4-ui-constants: `/consent?returnUrl=
 * /connect/authorize/callback?…`, `/home/error?errorId=…`): login, consent, error. The
 * returnUrl must point back to `/connect/authorize/callback` on this host, so the pages are no
 * open redirect; the authorize request inside it is validated again before anything is sent.
 */
const CALLBACK_PREFIX = '/connect/authorize/callback?'

function parseReturnUrl(
  ctx: ConnectContext,
  returnUrl: string | undefined,
  origin: string,
): ValidAuthorizeRequest {
  // Visible ASCII only: the returnUrl goes into a Location header, and a control character or
  // one past ASCII there passed the Fetch `Headers` and then failed node's writeHead, after the
  // route had signed the user in and journaled a 302: the client got 500 on the wire while
  // in-process msw answered 302 (adversarial pass). The mock's own login links percent-encode.
  if (returnUrl === undefined || !returnUrl.startsWith(CALLBACK_PREFIX) || /[^\x21-\x7e]/.test(returnUrl)) {
    throw new StatusError(400, 'invalid_return_url')
  }
  const params = toParams(new URLSearchParams(returnUrl.slice(CALLBACK_PREFIX.length)))
  return validateAuthorize(ctx, params, origin)
}

function redirect(location: string, cookie?: string): Response {
  const headers = new Headers({ location, 'cache-control': 'no-store' })
  if (cookie !== undefined) headers.append('set-cookie', cookie)
  return new Response(null, { status: 302, headers })
}

export async function loginGet(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const returnUrl = req.url.searchParams.get('returnUrl') ?? undefined
  const v = parseReturnUrl(ctx, returnUrl, req.url.origin)
  return htmlResponse(loginPage({ returnUrl: returnUrl!, clientName: v.client.clientName }))
}

export async function loginPost(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  if (!isFormContentType(req.request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const form = await readForm(req.request)
  const returnUrl = form.get('returnUrl')
  const v = parseReturnUrl(ctx, returnUrl, req.url.origin)
  if (form.get('button') === 'cancel') {
    req.note({ outcome: 'login_cancelled' })
    deliverError(ctx, v, req.url.origin, 'access_denied')
  }
  const email = form.get('email') ?? ''
  const user = ctx.store.findUserByEmail(email)
  if (user === undefined || user.password !== (form.get('password') ?? '')) {
    req.note({ outcome: 'login_failed' })
    return htmlResponse(
      loginPage({
        returnUrl: returnUrl!,
        clientName: v.client.clientName,
        email,
        error: 'Invalid e-mail or password.',
      }),
    )
  }
  const session = ctx.store.createSession(user.subject, ctx.clock.now())
  req.note({ outcome: 'login' })
  return redirect(`${req.url.origin}${returnUrl}`, sessionCookie(session))
}

export async function consentGet(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  const returnUrl = req.url.searchParams.get('returnUrl') ?? undefined
  const v = parseReturnUrl(ctx, returnUrl, req.url.origin)
  const session = readSession(ctx, req.request)
  if (session === undefined) {
    return redirect(`${req.url.origin}/account/login?returnUrl=${encodeURIComponent(returnUrl!)}`)
  }
  const user = ctx.store.users.get(session.subject)
  return htmlResponse(
    consentPage({
      returnUrl: returnUrl!,
      clientName: v.client.clientName,
      clientId: v.client.clientId,
      scopes: v.scopes,
      userEmail: user?.email ?? session.subject,
      organisations: ctx.organisationsOf?.(session.subject) ?? [],
    }),
  )
}

export async function consentPost(ctx: ConnectContext, req: RouteRequest): Promise<Response> {
  if (!isFormContentType(req.request.headers.get('content-type')))
    throw new StatusError(415, 'unsupported_media_type')
  const form = await readForm(req.request)
  const returnUrl = form.get('returnUrl')
  const v = parseReturnUrl(ctx, returnUrl, req.url.origin)
  const session = readSession(ctx, req.request)
  if (form.get('button') !== 'yes') {
    req.note({ outcome: 'consent_denied' })
    deliverError(ctx, v, req.url.origin, 'access_denied')
  }
  if (session === undefined) {
    return redirect(`${req.url.origin}/account/login?returnUrl=${encodeURIComponent(returnUrl!)}`)
  }
  ctx.store.grantConsent(session.subject, v.client.clientId, v.scopes)
  req.note({ outcome: 'consent_granted' })
  return redirect(`${req.url.origin}${callbackUrl(v.params)}`)
}

export function errorGet(ctx: ConnectContext, req: RouteRequest): Response {
  const id = req.url.searchParams.get('errorId') ?? ''
  const record = ctx.store.getError(id)
  if (record === undefined) {
    return htmlResponse(
      errorPage({ error: 'unknown_error', description: 'This error id is unknown or has expired.' }),
      404,
    )
  }
  return htmlResponse(
    errorPage({
      error: record.error,
      ...(record.errorDescription === undefined ? {} : { description: record.errorDescription }),
      requestId: record.requestId,
      ...(record.clientId === undefined ? {} : { clientId: record.clientId }),
    }),
  )
}
