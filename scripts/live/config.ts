import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseEnv } from 'node:util'
import { type Environment, processEnvironment } from '../env.ts'
import { HarnessError } from '../errors.ts'

/**
 * Live configuration: the one place that reads `.env`; the environment comes from scripts/env.ts.
 * - precedence: CLI flags > real environment > `.env` > defaults; `.env` never overrides a
 *   variable that is already set in the environment;
 * - `.env` is read from the working directory unless DINERO_ENV_FILE names another file
 *   (the specs point it at a file that does not exist);
 * - missing required variables → one HarnessError naming all of them (HARNESS_CONFIG_MISSING).
 */
export interface LiveConfig {
  clientId: string
  clientSecret: string
  redirectUri: string
  scopes: string
  connectUrl: string
  apiUrl: string
  tokenStore: string
  /** The .env file the settings were read from (it may not exist): a home of secrets, not a report. */
  envFile: string
  /** Organisation ids in which write checks may run. */
  testOrganizations: string[]
  /** Default organisation (the one `login` saved wins when this is unset). */
  organizationId: string | undefined
  /** The grace window configured for the Visma Connect app (5–60 s; 0 = none). */
  refreshGraceSeconds: number
  /** How long after login the stored grant is treated as expired (Duende absolute default 30 d). */
  refreshLifetimeDays: number
}

/** Values a command line may set; they win over the environment. */
export type ConfigFlags = Partial<
  Pick<LiveConfig, 'connectUrl' | 'apiUrl' | 'organizationId' | 'tokenStore' | 'redirectUri'>
>

export const ENV = {
  clientId: 'DINERO_CLIENT_ID',
  clientSecret: 'DINERO_CLIENT_SECRET',
  redirectUri: 'DINERO_REDIRECT_URI',
  scopes: 'DINERO_SCOPES',
  connectUrl: 'DINERO_CONNECT_URL',
  apiUrl: 'DINERO_API_URL',
  tokenStore: 'DINERO_TOKEN_STORE',
  envFile: 'DINERO_ENV_FILE',
  testOrganizations: 'DINERO_TEST_ORGANIZATIONS',
  organizationId: 'DINERO_ORGANIZATION_ID',
  refreshGraceSeconds: 'DINERO_REFRESH_GRACE_SECONDS',
  refreshLifetimeDays: 'DINERO_REFRESH_LIFETIME_DAYS',
} as const satisfies Record<keyof LiveConfig, string>

export const DEFAULTS = {
  redirectUri: 'http://127.0.0.1:8976/callback',
  scopes: 'dineropublicapi:read dineropublicapi:write offline_access',
  connectUrl: 'https://connect.visma.com',
  apiUrl: 'https://api.dinero.dk',
  refreshGraceSeconds: 0,
  refreshLifetimeDays: 30,
} as const

export interface LoadOptions {
  /** Which variables this command cannot run without. */
  require?: readonly ('clientId' | 'clientSecret')[]
  /** The environment to read; this process's by default. */
  env?: Environment
  cwd?: string
}

function readDotEnv(path: string): Record<string, string> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new HarnessError('HARNESS_CONFIG_INVALID', `cannot read ${path}: ${(e as Error).message}`)
  }
  return parseEnv(text) as Record<string, string>
}

export function defaultTokenStore(env: Environment): string {
  const base =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME !== ''
      ? env.XDG_CONFIG_HOME
      : process.platform === 'win32' && env.APPDATA
        ? env.APPDATA
        : join(homedir(), '.config')
  return join(base, 'dinero-conformance', 'tokens.json')
}

function origin(name: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    // Whatever sits before an @ may be a password: not echoed.
    throw new HarnessError(
      'HARNESS_CONFIG_INVALID',
      `${name} is not a URL: ${value.replace(/^([^/@]*\/\/).*@/, '$1…@')}`,
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new HarnessError('HARNESS_CONFIG_INVALID', `${name} must be an http(s) URL`)
  // A password in the URL was printed with it: in the run's banner, its errors and live-summary.md.
  if (url.username !== '' || url.password !== '')
    throw new HarnessError(
      'HARNESS_CONFIG_INVALID',
      `${name} must not carry a user name or password; got ${url.protocol}//…@${url.host}`,
    )
  // The client secret, codes and tokens travel to these origins: in clear text only to this
  // machine (RFC 6749 §3.2 and §10.9 require TLS at the token endpoint).
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new HarnessError(
      'HARNESS_CONFIG_INVALID',
      `${name} must be https: unless it is loopback (127.0.0.0/8, ::1, localhost); got http://${url.host}`,
    )
  return value.replace(/\/+$/, '')
}

/** 127.0.0.0/8, ::1 or localhost (URL.hostname: IPv6 in brackets, IPv4 already normalised). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host)
}

function numberIn(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback
  const n = Number(raw)
  if (!Number.isFinite(n) || n < min || n > max)
    throw new HarnessError('HARNESS_CONFIG_INVALID', `${name} must be a number from ${min} to ${max}`)
  return n
}

export function loadConfig(flags: ConfigFlags = {}, options: LoadOptions = {}): LiveConfig {
  const real = options.env ?? processEnvironment()
  const cwd = options.cwd ?? process.cwd()
  const envFile = resolve(cwd, real.DINERO_ENV_FILE ?? '.env')
  const dotEnv = readDotEnv(envFile)
  const get = (key: keyof LiveConfig): string | undefined => {
    const name = ENV[key]
    const v = real[name] ?? dotEnv[name]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }

  const missing = (options.require ?? []).filter((k) => get(k) === undefined).map((k) => ENV[k])
  if (missing.length > 0)
    throw new HarnessError(
      'HARNESS_CONFIG_MISSING',
      `missing ${missing.join(', ')}: set ${missing.length === 1 ? 'it' : 'them'} in the environment or in .env (see .env.example)`,
    )

  const grace = numberIn(ENV.refreshGraceSeconds, get('refreshGraceSeconds'), 0, 0, 60)
  return {
    clientId: get('clientId') ?? '',
    clientSecret: get('clientSecret') ?? '',
    redirectUri: flags.redirectUri ?? get('redirectUri') ?? DEFAULTS.redirectUri,
    scopes: get('scopes') ?? DEFAULTS.scopes,
    connectUrl: origin('connect URL', flags.connectUrl ?? get('connectUrl') ?? DEFAULTS.connectUrl),
    apiUrl: origin('API URL', flags.apiUrl ?? get('apiUrl') ?? DEFAULTS.apiUrl),
    tokenStore: resolve(cwd, flags.tokenStore ?? get('tokenStore') ?? defaultTokenStore(real)),
    envFile,
    testOrganizations: (get('testOrganizations') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    organizationId: flags.organizationId ?? get('organizationId'),
    refreshGraceSeconds: grace,
    refreshLifetimeDays: numberIn(
      ENV.refreshLifetimeDays,
      get('refreshLifetimeDays'),
      DEFAULTS.refreshLifetimeDays,
      1,
      3650,
    ),
  }
}

/** Whether a browser can be opened here (macOS, Windows, or an X11/Wayland display). */
export function hasDisplay(env: Environment): boolean {
  return (
    process.platform === 'darwin' ||
    process.platform === 'win32' ||
    Boolean(env.DISPLAY) ||
    Boolean(env.WAYLAND_DISPLAY)
  )
}

/** The catalogue's base variables for a live run (no control surface, no mock-only clients). */
export function liveVariables(config: LiveConfig, organizationId: string): Record<string, string> {
  return {
    connectUrl: config.connectUrl,
    apiUrl: config.apiUrl,
    controlUrl: '',
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    pkceClientId: '',
    refreshClientId: '',
    redirectUri: config.redirectUri,
    scopes: config.scopes,
    organizationId,
    nonProOrganizationId: '',
    // The collection sends a refresh token to a live Connect only from a persisted environment:
    // the harness writes every rotation to the token store the moment it arrives.
    allowRefresh: 'persisted',
  }
}
