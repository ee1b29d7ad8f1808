import { readFileSync } from 'node:fs'
import { request } from 'undici'
import { createMock, type Mock } from '../../../mocks/create-mock.ts'
import { type ServedMock, serveMock } from '../../../mocks/http/serve.ts'
import type { JournalEntry } from '../../../mocks/journal.ts'
import { DEFAULT_CLIENT_SECRET, defineClient, type MockOptions } from '../../../mocks/options.ts'
import { type StoredGrant, TokenStore } from '../../../scripts/live/token-store.ts'
import { sharedSigningKey } from '../../../scripts/targets/keys.ts'
import { freePort, LIVE_CLIENT_ID, LIVE_CLIENT_SECRET } from './process.ts'

export * from './process.ts'

/**
 * The live specs' stand-in for Visma Connect and Dinero: the served mock on a free loopback
 * port, with two clients whose registered redirect_uri is a loopback port the login command
 * can bind; helpers to read its journal, change its settings and seed a grant.
 */
/** A second client (same secret and redirect_uri), so two specs can use different refresh policies at once. */
export const LIVE_CLIENT_ID_2 = 'isv_live_harness_two'
if (LIVE_CLIENT_SECRET !== DEFAULT_CLIENT_SECRET)
  throw new Error('LIVE_CLIENT_SECRET must be the mock’s secret')

export interface LiveMock {
  mock: Mock
  served: ServedMock
  origin: string
  redirectUri: string
  close(): Promise<void>
}

export async function startLiveMock(options: MockOptions = {}): Promise<LiveMock> {
  const redirectUri = `http://127.0.0.1:${await freePort()}/callback`
  const mock = createMock({
    signingKey: await sharedSigningKey(),
    clients: [LIVE_CLIENT_ID, LIVE_CLIENT_ID_2].map((clientId) =>
      defineClient({ clientId, redirectUris: [redirectUri] }),
    ),
    ...options,
  })
  const served = await serveMock(mock, { port: 0 })
  return { mock, served, origin: served.origin, redirectUri, close: () => served.close() }
}

/** Every entry the mock holds, page by page (GET /__mock/journal answers 1,000 at a time). */
export async function journal(origin: string): Promise<JournalEntry[]> {
  const all: JournalEntry[] = []
  let since = 0
  for (;;) {
    const res = await request(`${origin}/__mock/journal?since=${since}&limit=10000`)
    const page = (await res.body.json()) as { entries: JournalEntry[]; next: number | null }
    all.push(...page.entries)
    if (page.next === null) return all
    since = page.next
  }
}

export const tokenRequests = (entries: JournalEntry[]) =>
  entries.filter((e) => e.service === 'connect' && e.url.startsWith('/connect/token'))

export const refreshRequests = (entries: JournalEntry[]) =>
  tokenRequests(entries).filter((e) => e.details.grant_type === 'refresh_token')

export async function settings(origin: string, body: unknown): Promise<void> {
  const res = await request(`${origin}/__mock/settings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await res.body.dump()
  if (res.statusCode !== 200) throw new Error(`settings: ${res.statusCode}`)
}

/** A grant obtained the way `login` would (mock consent), written straight into a token store. */
export async function seedGrant(
  live: LiveMock,
  storePath: string,
  clientId = LIVE_CLIENT_ID,
): Promise<string> {
  const q = new URLSearchParams({
    client_id: clientId,
    redirect_uri: live.redirectUri,
    response_type: 'code',
    response_mode: 'query',
    scope: 'dineropublicapi:read dineropublicapi:write offline_access',
  })
  const auth = await request(`${live.origin}/connect/authorize?${q}`, {
    headers: { 'x-mock-consent': 'accept' },
  })
  await auth.body.dump()
  const code = new URL(String(auth.headers.location)).searchParams.get('code')
  if (!code) throw new Error(`no code: ${auth.statusCode}`)
  const res = await request(`${live.origin}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: live.redirectUri,
      client_id: clientId,
      client_secret: LIVE_CLIENT_SECRET,
    }).toString(),
  })
  const answer = (await res.body.json()) as { refresh_token: string; access_token: string }
  const store = TokenStore.open(storePath)
  try {
    store.saveNew({ issuer: live.origin, clientId, answer, lifetimeDays: 30 })
  } finally {
    store.release()
  }
  return answer.refresh_token
}

/**
 * Whether the grant a run left in the store still refreshes: one refresh_token grant with the
 * stored refresh token, as the next run would send it. Resolves with the status and the new
 * refresh token (undefined when none came).
 */
export async function refreshStoredGrant(
  origin: string,
  storePath: string,
): Promise<{ status: number; refreshToken: string | undefined; stored: StoredGrant }> {
  const stored = JSON.parse(readFileSync(storePath, 'utf8')) as StoredGrant
  const res = await request(`${origin}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: stored.refreshToken,
      client_id: stored.clientId,
      client_secret: LIVE_CLIENT_SECRET,
    }).toString(),
  })
  const answer = (await res.body.json().catch(() => ({}))) as { refresh_token?: unknown }
  const refreshToken = typeof answer.refresh_token === 'string' ? answer.refresh_token : undefined
  return { status: res.statusCode, refreshToken, stored }
}
