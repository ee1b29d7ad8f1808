import type { Route } from '../routes.ts'
import { authorizeEndpoint } from './authorize.ts'
import type { ConnectContext } from './context.ts'
import { discoveryDocument } from './discovery.ts'
import { endSessionEndpoint, logoutGet, logoutPost } from './end-session.ts'
import { introspection, revocation, userinfo } from './endpoints.ts'
import { StatusError } from './errors.ts'
import { consentGet, consentPost, errorGet, loginGet, loginPost } from './interaction.ts'
import { tokenEndpoint } from './token.ts'

/** The Visma Connect route table; paths as in the captured discovery document (visma-connect-discovery). */
export function connectRoutes(ctx: ConnectContext): Route[] {
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'max-age=3600' },
    })
  const route = (method: Route['method'], path: string, handle: Route['handle']): Route => ({
    method,
    path,
    service: 'connect',
    handle,
  })
  return [
    route('GET', '/.well-known/openid-configuration', (r) => json(discoveryDocument(ctx, r.url.origin))),
    route('GET', '/.well-known/oauth-authorization-server', (r) =>
      json(discoveryDocument(ctx, r.url.origin)),
    ),
    route('GET', '/.well-known/openid-configuration/jwks', async () => json((await ctx.signingKey()).jwks)),
    // duende-endpoint-router: routed by path for any method; the endpoint refuses non-POST
    // (duende-token-endpoint).
    route('ALL', '/connect/token', (r) => tokenEndpoint(ctx, r)),
    route('ALL', '/connect/authorize', (r) => authorizeEndpoint(ctx, r)),
    route('ALL', '/connect/authorize/callback', (r) => authorizeEndpoint(ctx, r)),
    route('ALL', '/connect/userinfo', (r) => userinfo(ctx, r)),
    route('ALL', '/connect/revocation', (r) => revocation(ctx, r)),
    route('ALL', '/connect/introspect', (r) => introspection(ctx, r)),
    // oidc-rp-initiated-logout §2: GET or POST; the endpoint refuses other methods itself.
    route('ALL', '/connect/endsession', (r) => endSessionEndpoint(ctx, r)),
    route('GET', '/account/logout', (r) => logoutGet(ctx, r)),
    route('POST', '/account/logout', (r) => logoutPost(ctx, r)),
    route('GET', '/account/login', (r) => loginGet(ctx, r)),
    route('POST', '/account/login', (r) => loginPost(ctx, r)),
    route('GET', '/consent', (r) => consentGet(ctx, r)),
    route('POST', '/consent', (r) => consentPost(ctx, r)),
    route('GET', '/home/error', (r) => errorGet(ctx, r)),
    route('ALL', '/home/error', () => {
      throw new StatusError(405, 'method_not_allowed')
    }),
  ]
}
