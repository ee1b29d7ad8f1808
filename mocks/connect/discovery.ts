import type { ConnectContext } from './context.ts'

/**
 * Discovery metadata shaped like the captured Visma Connect document
 * (visma-connect-discovery, captured in mocks/connect/data/), with every
 * endpoint on the mock's own origin. Only what the mock implements is advertised: `code` flow,
 * `authorization_code`/`refresh_token`/`client_credentials`, RS256; the Dinero scopes are not
 * listed, as at the real service (IdentityServer lists only scopes flagged ShowInDiscoveryDocument).
 */
export function discoveryDocument(ctx: ConnectContext, origin: string): Record<string, unknown> {
  return {
    issuer: ctx.deviations.has('discovery.foreign-issuer') ? 'https://issuer.invalid' : origin,
    jwks_uri: `${origin}/.well-known/openid-configuration/jwks`,
    authorization_endpoint: `${origin}/connect/authorize`,
    token_endpoint: `${origin}/connect/token`,
    userinfo_endpoint: `${origin}/connect/userinfo`,
    // Deviation discovery.end-session-elsewhere: a path nothing serves.
    end_session_endpoint: `${origin}/connect/${ctx.deviations.has('discovery.end-session-elsewhere') ? 'logout' : 'endsession'}`,
    revocation_endpoint: `${origin}/connect/revocation`,
    introspection_endpoint: `${origin}/connect/introspect`,
    frontchannel_logout_supported: false,
    backchannel_logout_supported: false,
    scopes_supported: ['profile', 'email', 'openid', 'offline_access'],
    // Visma lists the user claims of its identity resources, not the token claims (sub, idp, amr, …).
    claims_supported: ['name', 'email', 'email_verified'],
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    response_types_supported: ['code'],
    response_modes_supported: ['form_post', 'query', 'fragment'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    id_token_signing_alg_values_supported: ['RS256'],
    subject_types_supported: ['public'],
    code_challenge_methods_supported: ['plain', 'S256'],
    request_parameter_supported: false,
    prompt_values_supported: ['none', 'login', 'consent', 'select_account'],
    authorization_response_iss_parameter_supported: true,
  }
}
