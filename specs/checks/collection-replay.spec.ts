import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ALLOW_REFRESH, buildCollection, PERSISTED } from '../../collections/build.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import { runGuard } from '../support/postman-guard.ts'
import {
  type FolderRun,
  obtainRefreshToken,
  runFolders,
  type ServedCollectionMock,
  serveCollectionMock,
} from './collection-newman.ts'

/**
 * The live-safe checks as a Postman user runs them: the refresh token `dinero-conformance login`
 * stored pasted into the environment. Every rotation must land in the environment at once, so no
 * later request presents a spent token: Visma Connect answers a replay by revoking all access of
 * the client and user (visma-connect-tokens, RFC 9700 §4.14.2). The mock's journal counts replays.
 */
const LIVE_SAFE_CHECKS = catalogue.filter((c) => c.target === 'live-safe')
const LIVE_SAFE = LIVE_SAFE_CHECKS.map((c) => c.id)
/** How many requests of the live-safe checks present the run's refresh token: each must rotate it. */
const CHAIN_REFRESHES = LIVE_SAFE_CHECKS.flatMap((c) => c.steps).filter(
  (s) => s.request.form?.refresh_token === '{{refreshToken}}',
).length
const collection = buildCollection()
const ROTATING = LIVE_SAFE_CHECKS.filter((c) =>
  c.steps.some((s) => s.request.form?.refresh_token === '{{refreshToken}}'),
).map((c) => c.id)

let target: ServedCollectionMock
beforeAll(async () => {
  target = await serveCollectionMock()
})
afterAll(() => target.close())

/** The journal outlives POST /__mock/reset: each test reads only what came after its start. */
let since = 0
const connectEntries = () => target.mock.journal.entries({ service: 'connect' }).filter((e) => e.seq > since)
const refreshes = () => connectEntries().filter((e) => e.details.grant_type === 'refresh_token')
const replays = () => refreshes().filter((e) => e.details.refresh === 'replay')
/** Rotations of the run's grant: the default client's refresh_token grants that were answered 200. */
const rotations = () =>
  refreshes().filter((e) => e.status === 200 && e.details.client_id === target.environment.clientId)

async function freshMock(): Promise<void> {
  await target.reset()
  since = target.mock.journal.entries().at(-1)?.seq ?? 0
}

async function userEnvironment(): Promise<Record<string, string>> {
  await freshMock()
  return { ...target.environment, refreshToken: await obtainRefreshToken(target.environment) }
}

describe('the collection run by a Postman user with a pasted refresh token (live-safe checks, mock)', () => {
  it('has live-safe checks that rotate the grant', () => {
    expect(CHAIN_REFRESHES).toBeGreaterThan(2)
  })

  it('all live-safe folders in one run: every check passes, the grant rotates, and no refresh token is replayed', async () => {
    const env = await userEnvironment()
    const run = await runFolders(collection, env, LIVE_SAFE)
    expect(run.failures).toEqual([])
    expect(rotations().length).toBe(CHAIN_REFRESHES)
    expect(replays()).toEqual([])
    expect(run.environment.refreshToken).not.toBe(env.refreshToken)
  }, 120_000)

  it('each live-safe folder that rotates the grant as its own run, the environment kept between runs as Postman keeps it: no replay', async () => {
    let env = await userEnvironment()
    const runs: FolderRun[] = []
    // The folders that present the run's refresh token (the others never touch it, and all of
    // them pass alone in bite-newman-*.spec.ts).
    for (const id of ROTATING) {
      const run = await runFolders(collection, env, [id])
      runs.push(run)
      env = run.environment
    }
    expect(runs.flatMap((r) => r.failures)).toEqual([])
    expect(rotations().length).toBe(CHAIN_REFRESHES)
    expect(replays()).toEqual([])
  }, 180_000)

  it('a spent refresh token pasted back into the environment is refused before it is sent: the check fails naming the problem, and no replay reaches the server', async () => {
    const env = await userEnvironment()
    const spent = env.refreshToken!
    const first = await runFolders(collection, env, ['dinero.organizations.fields-casing'])
    expect(first.failures).toEqual([])
    const sentBefore = refreshes().length
    const again = await runFolders(collection, { ...first.environment, refreshToken: spent }, [
      'connect.jwks.token-kid-published',
    ])
    expect(again.failures).toContainEqual(
      expect.stringContaining(
        'the run’s refresh token was not already rotated: this refresh token was already exchanged',
      ),
    )
    expect(refreshes().length).toBe(sentBefore)
    expect(replays()).toEqual([])
  }, 60_000)

  it('the live template without a refresh token starts no grant: the folder fails naming what to do, and nothing reaches the token endpoint', async () => {
    await freshMock()
    const run = await runFolders(collection, { ...target.environment, controlUrl: '' }, [
      'dinero.organizations.fields-casing',
    ])
    expect(run.failures[0]).toContain(
      'refreshToken is empty: put the refresh token dinero-conformance login stored',
    )
    expect(run.failures[0]).toContain('setup (mock only)')
    expect(connectEntries()).toEqual([])
  }, 60_000)

  it('only a loopback connectUrl lets a folder start a grant by itself: the real Visma Connect never gets the mock’s consent shortcut, even with a controlUrl left in', () => {
    const lines: string[] = []
    const walk = (x: unknown): void => {
      if (typeof x === 'string') lines.push(x)
      else if (Array.isArray(x)) for (const y of x) walk(y)
      else if (x !== null && typeof x === 'object') for (const y of Object.values(x)) walk(y)
    }
    walk(collection)
    expect(lines.some((l) => l.includes("if (pm.variables.get('controlUrl') && loopbackConnect)"))).toBe(true)
    const line = lines.find((l) => l.startsWith('var loopbackConnect =')) ?? ''
    const found = /(\/\^.*\/i)\.test\(pm\.variables\.get\('connectUrl'\)\)/.exec(line)
    expect(found).not.toBeNull()
    const loopback = new Function(`return ${found![1]}`)() as RegExp
    for (const url of [
      'http://127.0.0.1:4010',
      'http://localhost:4010',
      'http://[::1]:4010',
      'http://127.0.0.2',
    ])
      expect(loopback.test(url), url).toBe(true)
    for (const url of [
      'https://connect.visma.com',
      'http://127.0.0.1.attacker.example',
      'http://localhost.example:4010',
      'https://connect.visma.com/?http://127.0.0.1',
    ])
      expect(loopback.test(url), url).toBe(false)
  })

  it('live (a non-loopback connectUrl): the collection sends the run’s refresh token only when allowRefresh is exactly "persisted"; otherwise the request is skipped with a failed test that says to export the environment; loopback and a pasted access token are unaffected', () => {
    const run = (
      connectUrl: string,
      env: Record<string, string>,
      request: { refresh?: boolean; uses: string } = { refresh: true, uses: '{{refreshToken}}' },
    ) =>
      runGuard(
        { connectUrl, controlUrl: '', ...env },
        {
          name: 'connect.refresh.rotates › 1. refresh',
          presentsRefreshToken: request.refresh === true,
          json: { url: request.uses },
        },
      )
    const token = { refreshToken: 'a-pasted-refresh-token-0123456789' }
    // Loopback (the mock): may refresh, whatever allowRefresh says.
    expect(run('http://127.0.0.1:4010', token)).toEqual({ skipped: false, failures: [] })
    // Live without allowRefresh, or with anything but exactly "persisted": refuses.
    for (const allow of [undefined, '', 'yes', 'Persisted', 'persisted ']) {
      const refused = run('https://connect.visma.com', {
        ...token,
        ...(allow === undefined ? {} : { [ALLOW_REFRESH]: allow }),
      })
      expect(refused.skipped, String(allow)).toBe(true)
      expect(refused.failures).toHaveLength(1)
      expect(refused.failures[0]).toContain('--export-environment live.json')
      expect(refused.failures[0]).toContain('revokes ALL access')
      expect(refused.failures[0]).toContain('accessToken')
    }
    // Live with allowRefresh=persisted: may refresh.
    expect(run('https://connect.visma.com', { ...token, [ALLOW_REFRESH]: PERSISTED })).toEqual({
      skipped: false,
      failures: [],
    })
    // Live, a read-only request with a pasted access token and no refresh token: sent.
    expect(
      run(
        'https://connect.visma.com',
        { accessToken: 'a-pasted-access-token' },
        { uses: 'Bearer {{accessToken}}' },
      ),
    ).toEqual({ skipped: false, failures: [] })
  })
})
