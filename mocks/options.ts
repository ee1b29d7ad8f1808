import type { ClockOptions } from './clock.ts'
import type { ClientConfig, RefreshPolicy, UserConfig } from './connect/model.ts'

/** The seeded client's secret; documented in the README, fake by design. */
export const DEFAULT_CLIENT_SECRET = 'conformance-secret'
export const DEFAULT_CLIENT_ID = 'isv_conformance_test'
export const PKCE_CLIENT_ID = 'isv_conformance_pkce'
/** A client of its own for refresh checks, so a revoke-all replay there leaves the main client's grant alone. */
export const REFRESH_CLIENT_ID = 'isv_conformance_refresh'
/** A client whose id and secret need form-url-encoding inside a Basic header (RFC 6749 §2.3.1). */
export const ENCODING_CLIENT_ID = 'isv_conformance encoding'
export const ENCODING_CLIENT_SECRET = 'se:cr+et %41/ü'
/** A client that allows the plain PKCE method (duende-client-defaults: off unless the client sets it). */
export const PLAIN_PKCE_CLIENT_ID = 'isv_conformance_plain_pkce'
export const DEFAULT_REDIRECT_URIS = ['http://127.0.0.1:8976/callback', 'http://localhost:8976/callback']
/** Registered for RP-initiated logout (oidc-rp-initiated-logout §2) beside the callbacks. */
export const DEFAULT_POST_LOGOUT_REDIRECT_URIS = [
  'http://127.0.0.1:8976/signed-out',
  'http://localhost:8976/signed-out',
]
export const DINERO_SCOPES = ['dineropublicapi:read', 'dineropublicapi:write'] as const
export const DEFAULT_ALLOWED_SCOPES = [
  'openid',
  'profile',
  'email',
  'dineropublicapi:read',
  'dineropublicapi:write',
  'offline_access',
]
/** observed-visma-token-response: `aud` of every access token Visma issues for the Dinero API. */
export const DINERO_AUDIENCE = 'https://api.dinero.dk'
/**
 * The Dinero API as an IdentityServer API resource: its name is the access tokens' `aud`, and with
 * this secret it may call the introspection endpoint (duende-introspection-endpoint). Fake by design.
 */
export const DINERO_API_RESOURCE_SECRET = 'conformance-api-secret'

export const DEFAULT_USER: UserConfig = {
  subject: '1f3ee81c-89aa-4984-a533-8caaba6616be',
  email: 'user@example.com',
  password: 'Passw0rd!',
  name: 'Conformance User',
  createdAt: 1_577_836_800,
}

/**
 * Visma profile: one-time tokens with replay detection (visma-connect-tokens), Duende lifetimes
 * (duende-client-defaults; Visma's own are open-visma-lifetimes).
 */
export const DEFAULT_REFRESH_POLICY: RefreshPolicy = {
  usage: 'one-time',
  graceSeconds: 0,
  replay: 'revoke-all',
  expiration: 'absolute',
  absoluteLifetimeSeconds: 2_592_000,
  slidingLifetimeSeconds: 1_296_000,
}

export function defineClient(
  overrides: Partial<ClientConfig> & Pick<ClientConfig, 'clientId'>,
): ClientConfig {
  return {
    clientName: overrides.clientId,
    secret: DEFAULT_CLIENT_SECRET,
    redirectUris: [...DEFAULT_REDIRECT_URIS],
    postLogoutRedirectUris: [...DEFAULT_POST_LOGOUT_REDIRECT_URIS],
    allowedScopes: [...DEFAULT_ALLOWED_SCOPES],
    allowedGrantTypes: ['authorization_code', 'refresh_token'],
    requirePkce: false,
    allowPlainTextPkce: false,
    allowOfflineAccess: true,
    requireConsent: true,
    // duende-client-defaults; observed-visma-token-response: Visma's real access tokens live 3600 s.
    accessTokenLifetimeSeconds: 3600,
    identityTokenLifetimeSeconds: 300,
    authorizationCodeLifetimeSeconds: 300,
    ...overrides,
    refresh: { ...DEFAULT_REFRESH_POLICY, ...overrides.refresh },
  }
}

export function defaultClients(): ClientConfig[] {
  return [
    defineClient({ clientId: DEFAULT_CLIENT_ID, clientName: 'Dinero Conformance Test' }),
    // A client with PKCE required (visma-connect-web-apps: a per-app setting), so PKCE checks have a target.
    defineClient({
      clientId: PKCE_CLIENT_ID,
      clientName: 'Dinero Conformance Test (PKCE)',
      requirePkce: true,
    }),
    defineClient({ clientId: REFRESH_CLIENT_ID, clientName: 'Dinero Conformance Test (refresh)' }),
    defineClient({
      clientId: PLAIN_PKCE_CLIENT_ID,
      clientName: 'Dinero Conformance Test (plain PKCE)',
      allowPlainTextPkce: true,
    }),
    defineClient({
      clientId: ENCODING_CLIENT_ID,
      clientName: 'Dinero Conformance Test (encoding)',
      secret: ENCODING_CLIENT_SECRET,
    }),
  ]
}

export type ConsentMode = 'interactive' | 'auto'

export interface SigningKeyInput {
  privateKey: CryptoKey
  publicJwk: JsonWebKey
  kid: string
}

export interface MockOptions {
  /** Clients registered in the Connect mock; default: the two seeded conformance clients. */
  clients?: ClientConfig[]
  /** Refresh policy applied on top of every client's own (handy: `{ usage: 'reuse' }`). */
  refresh?: Partial<RefreshPolicy>
  /** Users who can log in; default: user@example.com / Passw0rd!. */
  users?: UserConfig[]
  /** `auto`: the authorize endpoint logs the default user in and accepts consent with no page. */
  consent?: ConsentMode
  /**
   * Offer only what the real services offer, to rehearse against: no `X-Mock-Consent` header, no
   * `consent: 'auto'` (a person, or a browser, signs in on the login page and presses Allow), and no
   * `/__mock/*` control surface over HTTP (those paths answer as any unknown path does). The
   * in-process `mock.control` and `mock.journal` stay: they are the test's, not the client's.
   */
  liveLike?: boolean
  /** Origins answered in-process; the served adapter adds its own loopback origin. */
  connectOrigin?: string
  apiOrigin?: string
  clock?: ClockOptions
  /** A pre-made RS256 key (tests share one to skip key generation). */
  signingKey?: SigningKeyInput
  journalLimit?: number
  /**
   * Dinero API settings; dinero-api-errors: 100 requests a minute per organisation (0 = no limit).
   * `retryAfter`: add Retry-After to the 429 (default off; the real API was not seen sending it).
   * `fileQuota`: what one organisation's files may hold (default DEFAULT_FILE_QUOTA, 64 MiB in
   * 1,000 files); lower it to rehearse the 400 code 43 an upload past it gets without uploading
   * 64 MiB first. Set when the mock is created; `/__mock/settings` does not change it.
   */
  dinero?: {
    rateLimitPerMinute?: number
    retryAfter?: boolean
    fileQuota?: { bytes?: number; files?: number }
  }
  /**
   * Webhook delivery (mocks/dinero/webhook-delivery.ts): the waits before each retry (default
   * 1 s, 5 s, 25 s: four attempts in all) and how long one attempt may take (default 5 s).
   * Tests pass tiny delays, or flush with `POST /__mock/webhooks/flush`.
   */
  webhooks?: { retryDelaysMs?: readonly number[]; timeoutMs?: number }
}

export interface ResolvedMockOptions {
  clients: ClientConfig[]
  users: UserConfig[]
  consent: ConsentMode
  liveLike: boolean
  connectOrigin: string
  apiOrigin: string
  clock: ClockOptions
  signingKey: SigningKeyInput | undefined
  journalLimit: number
  dinero: { rateLimitPerMinute: number; retryAfter: boolean; fileQuota: FileQuota }
  /** The API resource that may introspect access tokens (duende-introspection-endpoint). */
  apiResource: { name: string; secret: string }
  webhooks: { retryDelaysMs: readonly number[]; timeoutMs: number }
}

export function resolveOptions(options: MockOptions = {}): ResolvedMockOptions {
  const clients = (options.clients ?? defaultClients()).map((c) =>
    options.refresh ? { ...c, refresh: { ...c.refresh, ...options.refresh } } : c,
  )
  for (const c of clients) validateRefreshPolicy(c.refresh, c.clientId)
  const liveLike = options.liveLike ?? false
  if (liveLike && options.consent === 'auto')
    throw new RangeError("consent 'auto' is a mock shortcut, and a live-like mock offers none")
  return {
    clients,
    users: options.users ?? [DEFAULT_USER],
    consent: options.consent ?? 'interactive',
    liveLike,
    connectOrigin: options.connectOrigin ?? 'https://connect.visma.com',
    apiOrigin: options.apiOrigin ?? DINERO_AUDIENCE,
    clock: options.clock ?? {},
    signingKey: options.signingKey,
    journalLimit: options.journalLimit ?? 10_000,
    dinero: {
      rateLimitPerMinute: options.dinero?.rateLimitPerMinute ?? 100,
      retryAfter: options.dinero?.retryAfter ?? false,
      fileQuota: resolveFileQuota(options.dinero?.fileQuota),
    },
    apiResource: { name: DINERO_AUDIENCE, secret: DINERO_API_RESOURCE_SECRET },
    webhooks: resolveWebhooks(options.webhooks),
  }
}

export interface FileQuota {
  bytes: number
  files: number
}

/**
 * What one organisation's files (archive and attachment-only) may hold, in bytes and in number,
 * unless `dinero.fileQuota` says otherwise. Files are never deleted through the API, so without a
 * bound a client looping uploads grows the mock's memory until it is reset.
 * assumption: open-dinero-unlisted-responses — Dinero's storage quota is not published; past it →
 * 400 code 43 (Limit Exceeded), as the other per-organisation limits (mocks/dinero/webhooks.ts).
 */
export const DEFAULT_FILE_QUOTA: Readonly<FileQuota> = { bytes: 64 * 1024 * 1024, files: 1_000 }
/** A quota above this would let one organisation's uploads hold gigabytes of the mock's memory. */
const MAX_FILE_QUOTA_BYTES = 1024 * 1024 * 1024

/** `given` may be null from a JavaScript or JSON caller: the same as leaving it out. */
function resolveFileQuota(given: { bytes?: number; files?: number } | null = {}): FileQuota {
  const o = given ?? {}
  const bytes = o.bytes ?? DEFAULT_FILE_QUOTA.bytes
  const files = o.files ?? DEFAULT_FILE_QUOTA.files
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > MAX_FILE_QUOTA_BYTES)
    throw new RangeError(`dinero.fileQuota.bytes must be a whole number from 1 to ${MAX_FILE_QUOTA_BYTES}`)
  if (!Number.isSafeInteger(files) || files < 1 || files > 100_000)
    throw new RangeError('dinero.fileQuota.files must be a whole number from 1 to 100000')
  return { bytes, files }
}

/** At most this many retries, each wait at most an hour: a delivery always ends. */
const MAX_RETRIES = 10
const MAX_WAIT_MS = 3_600_000

function resolveWebhooks(given: MockOptions['webhooks'] | null = {}): ResolvedMockOptions['webhooks'] {
  const o = given ?? {}
  const retryDelaysMs = [...(o.retryDelaysMs ?? [1_000, 5_000, 25_000])]
  const timeoutMs = o.timeoutMs ?? 5_000
  const wait = (ms: number) => Number.isFinite(ms) && ms >= 0 && ms <= MAX_WAIT_MS
  if (retryDelaysMs.length > MAX_RETRIES || !retryDelaysMs.every(wait))
    throw new RangeError(`webhooks.retryDelaysMs: at most ${MAX_RETRIES} waits of 0–${MAX_WAIT_MS} ms`)
  if (!wait(timeoutMs) || timeoutMs === 0)
    throw new RangeError(`webhooks.timeoutMs must be 1–${MAX_WAIT_MS} ms`)
  return { retryDelaysMs, timeoutMs }
}

/** dinero-grace-period: Visma offers a grace window of 5–60 s, or none (0). */
export function isValidGraceSeconds(seconds: unknown): boolean {
  return typeof seconds === 'number' && (seconds === 0 || (seconds >= 5 && seconds <= 60))
}

/** The longest refresh lifetime the mock takes: ten years, so an expiry stays a date (mocks/clock.ts). */
const MAX_REFRESH_LIFETIME_SECONDS = 315_360_000

/**
 * What is wrong with a refresh policy or a patch of one, or undefined: every field checked, an
 * unknown one refused (a misspelt setting would otherwise be stored and silently never apply).
 * duende-refresh-token-service: lifetimes are whole seconds; an absolute lifetime of 0 means no
 * absolute cap (for sliding expiration).
 */
export function refreshPolicyProblem(p: Partial<RefreshPolicy>): string | undefined {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'refresh settings must be an object'
  const seconds = (v: unknown, min: number) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= MAX_REFRESH_LIFETIME_SECONDS
  for (const [key, v] of Object.entries(p)) {
    switch (key) {
      case 'usage':
        if (v !== 'one-time' && v !== 'reuse') return 'usage must be "one-time" or "reuse"'
        break
      case 'graceSeconds':
        if (!isValidGraceSeconds(v))
          return `refresh grace window must be 0 (none) or 5–60 s, got ${String(v)}`
        break
      case 'replay':
        if (v !== 'reject' && v !== 'revoke-all') return 'replay must be "reject" or "revoke-all"'
        break
      case 'expiration':
        if (v !== 'absolute' && v !== 'sliding') return 'expiration must be "absolute" or "sliding"'
        break
      case 'absoluteLifetimeSeconds':
        if (!seconds(v, 0))
          return `absoluteLifetimeSeconds must be whole seconds from 0 (no cap) to ${MAX_REFRESH_LIFETIME_SECONDS}`
        break
      case 'slidingLifetimeSeconds':
        if (!seconds(v, 1))
          return `slidingLifetimeSeconds must be whole seconds from 1 to ${MAX_REFRESH_LIFETIME_SECONDS}`
        break
      default:
        return `unknown refresh setting ${JSON.stringify(key)}`
    }
  }
  return undefined
}

function validateRefreshPolicy(p: RefreshPolicy, clientId: string): void {
  const problem = refreshPolicyProblem(p)
  if (problem !== undefined) throw new RangeError(`client ${clientId}: ${problem}`)
}
