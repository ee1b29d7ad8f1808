import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HarnessError } from '../../scripts/errors.ts'
import { assertUsable, type StoredGrant, TokenStore } from '../../scripts/live/token-store.ts'
import { freePort, liveEnv, runInWorker, tempDir, testDir } from './support/process.ts'

/**
 * A malformed token store — any JSON shape, not JSON at all, empty, wrong types — is
 * HARNESS_TOKEN_STORE_CORRUPT (exit 2 through the CLI), never a TypeError somewhere later.
 */
const RT = 'A'.repeat(64)
const VALID: StoredGrant = {
  version: 1,
  issuer: 'https://connect.example',
  clientId: 'isv_x',
  refreshToken: RT,
  accessToken: 'eyJ.access.token',
  accessTokenExpiresAt: 2_000,
  scope: 's',
  grantedAt: 1_000,
  expiresAt: 9_000_000_000_000,
  updatedAt: 1_000,
  rotations: 0,
  status: 'active',
  organizationId: '118244',
  inFlight: { token: RT, at: 1_000, attempts: 1 },
  consumed: ['0123456789abcdef'],
}
const KEYS = Object.keys(VALID) as (keyof StoredGrant)[]

let tmp: ReturnType<typeof tempDir>
let store: TokenStore
let path: string
beforeAll(() => {
  tmp = tempDir('store-validation')
  path = join(tmp.dir, 'store', 'tokens.json')
  store = TokenStore.open(path, { warn: () => {} })
})
afterAll(() => {
  store.release()
  tmp.cleanup()
})

/** Loads `text` as the store and uses the grant as a run would; returns the HarnessError code, 'ok', or the foreign error. */
function outcome(text: string): string {
  writeFileSync(path, text, { mode: 0o600 })
  try {
    const grant = store.load()
    assertUsable(grant, { issuer: grant.issuer, clientId: grant.clientId, now: 0 })
    store.isSpent(grant.refreshToken)
    store.beginRefresh(grant.refreshToken)
    store.completeRefresh(grant.refreshToken, { access_token: 'a', refresh_token: 'B'.repeat(64) })
    return 'ok'
  } catch (e) {
    return e instanceof HarnessError ? e.code : `${(e as Error)?.name}: ${(e as Error)?.message}`
  }
}

const CORRUPT = 'HARNESS_TOKEN_STORE_CORRUPT'

describe('malformed token stores → HARNESS_TOKEN_STORE_CORRUPT', () => {
  it.each([
    ['null', 'null'],
    ['an empty file', ''],
    ['not JSON', '{"version":1,'],
    ['an array', '[]'],
    ['a string', '"tokens"'],
    ['no consumed list', JSON.stringify({ ...VALID, consumed: undefined })],
    ['a numeric in-flight token', JSON.stringify({ ...VALID, inFlight: { token: 123, at: 1, attempts: 1 } })],
    ['a null in-flight record', JSON.stringify({ ...VALID, inFlight: null })],
    ['an empty refresh token', JSON.stringify({ ...VALID, refreshToken: '' })],
    ['an unknown status', JSON.stringify({ ...VALID, status: 'paused' })],
    ['version 2', JSON.stringify({ ...VALID, version: 2 })],
    ['an infinite expiry (1e999)', JSON.stringify(VALID).replace('9000000000000', '1e999')],
    // Found by the property: a time outside the Date range made the expiry message throw a RangeError.
    ['an expiry outside the Date range', JSON.stringify({ ...VALID, expiresAt: -8_640_000_000_000_001 })],
    ['consumed holding a number', JSON.stringify({ ...VALID, consumed: [1] })],
  ])('%s → HARNESS_TOKEN_STORE_CORRUPT', (_name, text) => {
    expect(outcome(text)).toBe(CORRUPT)
  })

  it('the valid store loads and is usable (the property below has a passing case)', () => {
    expect(outcome(JSON.stringify(VALID))).toBe('ok')
  })

  it('a directory where the store should be → HARNESS_TOKEN_STORE_UNSAFE at open; one that appears after open → HARNESS_TOKEN_STORE_UNSAFE at load', () => {
    const dirPath = join(tmp.dir, 'dir-store', 'tokens.json')
    mkdirSync(dirPath, { recursive: true })
    expect(() => TokenStore.open(dirPath)).toThrow(
      expect.objectContaining({ code: 'HARNESS_TOKEN_STORE_UNSAFE' }),
    )
    const later = join(tmp.dir, 'dir-later', 'tokens.json')
    const s = TokenStore.open(later)
    try {
      mkdirSync(later)
      expect(() => s.load()).toThrow(expect.objectContaining({ code: 'HARNESS_TOKEN_STORE_UNSAFE' }))
    } finally {
      s.release()
    }
  })

  it('property: any JSON value, any text, and any valid store with one field removed or replaced → a usable grant or a HarnessError (CORRUPT when malformed), never a TypeError', () => {
    const mutated = fc.oneof(
      fc.constantFrom(...KEYS).map((k) => {
        const { [k]: _, ...rest } = VALID
        return JSON.stringify(rest)
      }),
      fc
        .tuple(fc.constantFrom(...KEYS), fc.jsonValue())
        .map(([k, v]) => JSON.stringify({ ...VALID, [k]: v })),
      fc
        .tuple(fc.constantFrom('token', 'at', 'attempts'), fc.jsonValue())
        .map(([k, v]) => JSON.stringify({ ...VALID, inFlight: { ...VALID.inFlight, [k]: v } })),
    )
    const text = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      fc.string(),
      mutated,
    )
    fc.assert(
      fc.property(text, (t) => {
        // A well-formed grant may still be refused as expired, rejected or revoked: a HarnessError too.
        expect(outcome(t)).toMatch(/^(ok|HARNESS_[A-Z_]+)$/)
      }),
      { numRuns: Number(process.env.STORE_PROPERTY_RUNS ?? 400) },
    )
  })
})

describe('a malformed store through the CLI', () => {
  it('dinero-conformance live with a corrupt store → exit 2, one line error [HARNESS_TOKEN_STORE_CORRUPT], no stack trace', async ({
    onTestFinished,
  }) => {
    const dir = testDir('store-corrupt-cli', onTestFinished)
    const env = liveEnv(dir, { DINERO_CONNECT_URL: `http://127.0.0.1:${await freePort()}` })
    const storePath = env.DINERO_TOKEN_STORE!
    mkdirSync(join(storePath, '..'), { recursive: true })
    writeFileSync(storePath, JSON.stringify({ ...VALID, inFlight: { token: 123 } }), { mode: 0o600 })
    const r = await runInWorker(['live', '--reports', join(dir, 'reports')], env)
    expect(r.code, r.stderr).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error \[HARNESS_TOKEN_STORE_CORRUPT\]: /),
    ])
    expect(readFileSync(storePath, 'utf8')).toContain('"token":123')
  })
})
