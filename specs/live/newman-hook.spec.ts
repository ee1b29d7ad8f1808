import { readFileSync, writeFileSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCollection } from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import { MOCK_PRO_ORGANIZATION_ID } from '../../collections/model/variables.ts'
import { runLiveNewman } from '../../scripts/live/newman-live.ts'
import { refreshStored } from '../../scripts/live/refresher.ts'
import { SecretSet } from '../../scripts/live/secrets.ts'
import { StoreLock } from '../../scripts/live/store-lock.ts'
import { type StoredGrant, TokenStore } from '../../scripts/live/token-store.ts'
import {
  journal,
  LIVE_CLIENT_ID,
  LIVE_CLIENT_SECRET,
  type LiveMock,
  refreshRequests,
  seedGrant,
  startLiveMock,
  tempDir,
  tokenRequests,
} from './support/harness.ts'

/**
 * The Newman rotation hook, observed from the server side: when a token request arrives at the
 * mock, what is on disk? For every rotation of the grant the in-flight record (with the token
 * being presented) is already saved; for every other request the previous rotation is already
 * saved and no record is pending. And a consumed token Newman tries to present is neutralised.
 */
let live: LiveMock
const tmp = tempDir('newman-hook')
beforeAll(async () => {
  live = await startLiveMock()
})
afterAll(async () => {
  await live.close()
  tmp.cleanup()
})

function environment(): Record<string, string> {
  return {
    connectUrl: live.origin,
    apiUrl: live.origin,
    controlUrl: '',
    clientId: LIVE_CLIENT_ID,
    clientSecret: LIVE_CLIENT_SECRET,
    pkceClientId: '',
    refreshClientId: '',
    redirectUri: live.redirectUri,
    scopes: 'dineropublicapi:read dineropublicapi:write offline_access',
    organizationId: MOCK_PRO_ORGANIZATION_ID,
    nonProOrganizationId: '',
  }
}

/**
 * Four live-safe checks that rotate the run's grant and two that send other token requests:
 * enough to see every kind of call, without the whole live-safe set (~3 CPU-s of Newman).
 */
function sampleChecks(): string[] {
  const liveSafe = catalogue.filter((c) => c.target === 'live-safe')
  const rotates = (c: (typeof liveSafe)[number]) =>
    c.steps.some((s) => s.request.form?.refresh_token === '{{refreshToken}}')
  return [
    ...liveSafe.filter(rotates).slice(0, 4),
    ...liveSafe.filter((c) => !rotates(c) && c.area !== 'dinero').slice(0, 2),
  ].map((c) => c.id)
}

describe('live Newman hook', () => {
  it('the in-flight record is on disk before each rotation leaves, and each rotated token is saved before the next request', async () => {
    const path = join(tmp.dir, 'a', 'tokens.json')
    await seedGrant(live, path)
    const store = TokenStore.open(path)
    const snapshots: Pick<StoredGrant, 'refreshToken' | 'inFlight'>[] = []
    const spy = (req: IncomingMessage) => {
      if (req.method === 'POST' && req.url?.startsWith('/connect/token')) {
        const { refreshToken, inFlight } = JSON.parse(readFileSync(path, 'utf8')) as StoredGrant
        snapshots.push({ refreshToken, ...(inFlight ? { inFlight } : {}) })
      }
    }
    live.served.server.prependListener('request', spy)
    try {
      const grant = store.load()
      const before = tokenRequests(await journal(live.origin)).length
      const checks = sampleChecks()
      const result = await runLiveNewman({
        collection: buildCollection(),
        environment: environment(),
        collectionVariables: { refreshToken: grant.refreshToken, accessToken: '' },
        checks,
        store,
        secrets: new SecretSet(),
        graceSeconds: 0,
      })
      expect([...result.verdicts].filter(([, v]) => !v.passed)).toEqual([])
      const calls = tokenRequests(await journal(live.origin))
        .slice(before)
        .filter((c) => c.method === 'POST')
      expect(calls).toHaveLength(snapshots.length)
      const rotations = calls.flatMap((c, i) =>
        c.details.grant_type === 'refresh_token' && c.status === 200 ? [snapshots[i]!] : [],
      )
      expect(rotations.length).toBe(result.rotations)
      expect(rotations.length).toBeGreaterThanOrEqual(3)
      for (const s of rotations) expect(s.inFlight?.token).toBe(s.refreshToken)
      calls.forEach((c, i) => {
        if (!(c.details.grant_type === 'refresh_token' && c.status === 200))
          expect(snapshots[i]!.inFlight).toBeUndefined()
      })
      expect(new Set(rotations.map((s) => s.refreshToken)).size).toBe(rotations.length)
    } finally {
      live.served.server.off('request', spy)
      store.release()
    }
  })

  it('a consumed refresh token Newman is about to present is neutralised: no replay reaches the server, the grant survives', async () => {
    const path = join(tmp.dir, 'b', 'tokens.json')
    const consumed = await seedGrant(live, path)
    const store = TokenStore.open(path)
    try {
      await refreshStored(store, {
        connectUrl: live.origin,
        clientId: LIVE_CLIENT_ID,
        clientSecret: LIVE_CLIENT_SECRET,
        graceSeconds: 0,
      })
      const result = await runLiveNewman({
        collection: buildCollection(),
        environment: environment(),
        collectionVariables: { refreshToken: consumed, accessToken: '' },
        checks: ['dinero.organizations.fields-casing'],
        store,
        secrets: new SecretSet(),
        graceSeconds: 0,
      })
      expect(result.blocked).toEqual(['dinero.organizations.fields-casing · 1. refresh the run’s grant'])
      expect(result.verdicts.get('dinero.organizations.fields-casing')?.passed).toBe(false)
      const last = refreshRequests(await journal(live.origin)).at(-1)!
      expect([last.status, last.details.refresh]).toEqual([400, 'unknown'])
      const next = await refreshStored(store, {
        connectUrl: live.origin,
        clientId: LIVE_CLIENT_ID,
        clientSecret: LIVE_CLIENT_SECRET,
        graceSeconds: 0,
      })
      expect(next.rotations).toBe(2)
    } finally {
      store.release()
    }
  })

  it('an error inside a hook (the lock taken over mid-run) is not swallowed by Newman: the run ends with HARNESS_TOKEN_STORE_LOCKED and no refresh token is sent after it, so the saved grant stays usable', async () => {
    const path = join(tmp.dir, 'c', 'tokens.json')
    await seedGrant(live, path)
    const store = TokenStore.open(path)
    const lock = new StoreLock(`${path}.lock`, path)
    let tookOver = false
    try {
      const grant = store.load()
      const before = refreshRequests(await journal(live.origin)).length
      const checks = sampleChecks()
      const result = await runLiveNewman({
        collection: buildCollection(),
        environment: environment(),
        collectionVariables: { refreshToken: grant.refreshToken, accessToken: '' },
        checks,
        store,
        secrets: new SecretSet(),
        graceSeconds: 0,
        // After the first rotation is saved, another process (in another container) takes the lock over.
        onResponse: (_item, exchange) => {
          if (tookOver || exchange?.code !== 200 || !/"refresh_token"\s*:\s*"/.test(exchange.text)) return
          tookOver = true
          const gen = lock.current()!.gen + 1
          writeFileSync(
            join(`${path}.lock`, String(gen)),
            JSON.stringify({ state: 'held', pid: 1, host: `${hostname()}-other`, at: 'now' }),
          )
        },
      })
      expect(tookOver).toBe(true)
      expect(result.fatal?.code).toBe('HARNESS_TOKEN_STORE_LOCKED')
      expect(result.blocked.length).toBeGreaterThan(0)
      const later = refreshRequests(await journal(live.origin)).slice(before)
      const rotated = later.findIndex((r) => r.status === 200)
      expect(rotated).toBeGreaterThanOrEqual(0)
      expect(later.length).toBeGreaterThan(rotated + 1)
      for (const r of later.slice(rotated + 1))
        expect([r.status, r.details.refresh]).toEqual([400, 'unknown'])
      const saved = JSON.parse(readFileSync(path, 'utf8')) as StoredGrant
      expect(saved.inFlight).toBeUndefined()
      const res = await fetch(`${live.origin}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: saved.refreshToken,
          client_id: LIVE_CLIENT_ID,
          client_secret: LIVE_CLIENT_SECRET,
        }).toString(),
      })
      expect(res.status).toBe(200)
    } finally {
      store.release()
    }
  })
})
