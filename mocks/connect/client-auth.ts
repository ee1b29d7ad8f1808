import { timingSafeEqual } from 'node:crypto'
import type { ConnectContext } from './context.ts'
import { invalidClient, invalidRequest, OAuthError, unauthorizedClient } from './errors.ts'
import type { Params } from './form.ts'
import type { ClientConfig } from './model.ts'

/**
 * Client authentication at the token, revocation and introspection endpoints (is4-secret-parsers,
 * duende-client-secret-validator):
 * - the Basic header parser runs first, then the POST body parser; the first that finds a
 *   secret wins, one that finds only a client_id is kept while later parsers are tried;
 * - Basic: `Basic ` case-insensitive, base64 → UTF-8, split on the first `:`, and both halves
 *   form-url-decoded (`+` is a space, `%xx` decoded) per RFC 6749 §2.3.1; malformed base64 or
 *   no colon counts as no credentials;
 * - no client id anywhere → `invalid_request` (Duende); unknown client or wrong/missing secret
 *   → `invalid_client`; client_id/secret over 100 characters are not accepted.
 */
export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none'

export interface AuthenticatedClient {
  client: ClientConfig
  method: ClientAuthMethod
}

interface Found {
  clientId: string
  secret: string | undefined
  method: ClientAuthMethod
}

/** duende-input-length-restrictions: client_id and client_secret. */
const MAX_LEN = 100

/**
 * The halves of a Basic credential, form-decoded as IdentityServer decodes them
 * (is4-basic-secret-parser: `Uri.UnescapeDataString` after `+` → space): an escape that is
 * not one (`100%`, `%zz`, a lone UTF-8 byte) stays as written instead of failing the whole
 * header, so a secret sent unencoded is compared as it is (invalid_client), not taken for no
 * credentials at all (invalid_request).
 */
function formUrlDecode(value: string): string {
  return value.replace(/\+/g, ' ').replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run)
    } catch {
      return run
    }
  })
}

export function parseBasic(header: string | null, decode = true): Found | undefined {
  if (header === null || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined
  const b64 = header.slice(6).trim()
  // .NET's Convert.FromBase64String wants the padding: unpadded, the header is malformed and no
  // credential is read from it (is4-basic-secret-parser), where Buffer.from decoded it anyway.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length === 0 || b64.length % 4 !== 0) return undefined
  const decoded = Buffer.from(b64, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  const id = decode ? formUrlDecode(decoded.slice(0, colon)) : decoded.slice(0, colon)
  const secret = decode ? formUrlDecode(decoded.slice(colon + 1)) : decoded.slice(colon + 1)
  if (id.length === 0) return undefined
  return { clientId: id, secret: secret.length > 0 ? secret : undefined, method: 'client_secret_basic' }
}

function parseBody(params: Params): Found | undefined {
  const id = params.get('client_id')
  if (id === undefined || id.length === 0) return undefined
  const secret = params.get('client_secret')
  return {
    clientId: id,
    secret: secret !== undefined && secret.length > 0 ? secret : undefined,
    method: secret !== undefined && secret.length > 0 ? 'client_secret_post' : 'none',
  }
}

export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

export function authenticateClient(
  ctx: ConnectContext,
  request: Request,
  params: Params,
): AuthenticatedClient {
  const d = ctx.deviations
  const basic = d.has('client-auth.basic-unsupported')
    ? undefined
    : parseBasic(request.headers.get('authorization'), !d.has('client-auth.basic-not-form-decoded'))
  const body = parseBody(params)
  // RFC 6749 §5.2 allows 401 for invalid_client; IdentityServer answers 400 (duende-token-error-result).
  const badClient = () =>
    d.has('client-auth.invalid-client-401')
      ? new OAuthError('invalid_client', undefined, 401)
      : invalidClient()
  // SecretParser: the first parser that finds a secret wins; an id-only result is a fallback.
  const parsers = d.has('client-auth.body-before-basic') ? [body, basic] : [basic, body]
  const found = parsers.find((f) => f?.secret !== undefined) ?? parsers[0] ?? parsers[1]
  if (found === undefined)
    throw d.has('client-auth.missing-is-invalid-client') ? badClient() : invalidRequest()
  if (found.clientId.length > MAX_LEN || (found.secret?.length ?? 0) > MAX_LEN) throw badClient()
  const client = ctx.store.clients.get(found.clientId)
  if (client === undefined)
    throw d.has('client-auth.unknown-client-unauthorized') ? unauthorizedClient() : badClient()
  if (client.secret === null) {
    return { client, method: 'none' }
  }
  if (found.secret === undefined || !secretsEqual(found.secret, client.secret)) throw badClient()
  return { client, method: found.method }
}
