import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_CLIENT_ID } from '../../mocks/options.ts'
import { codeFlow } from '../../scripts/targets/oauth.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * How the Dinero API reads and verifies the access token (RFC 6750 §2.1 for the header, RFC 9068
 * §4 for the checks), edges the verify.ts mutation run found unpinned (docs/MUTATION.md): the
 * header's spelling, a token not yet valid or expired on the mock clock — on its first use (the
 * full verification) and once it is cached (the standing checks) — a withdrawn consent, and the
 * reason the journal notes for each (`tokenRejected`, which the grader reads).
 */
let target: Target
beforeAll(async () => {
  // Frozen: a real-time clock crossing a second between issue and use made "one second before exp" a second late.
  target = await startTarget('in-process', { clock: { frozen: true }, dinero: { rateLimitPerMinute: 0 } })
})
afterAll(() => target.close())

const organisations = (authorization: string) =>
  target.call('api', '/v1/organizations', { headers: { authorization } })
const lastNote = () => target.mock.journal.entries().at(-1)?.details
/** Runs `body`, then puts the mock back (clock, grants) whatever happened. */
async function thenReset(body: () => Promise<void>): Promise<void> {
  try {
    await body()
  } finally {
    target.mock.control.reset()
  }
}

describe('the Authorization header (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer <token>', (t: string) => `Bearer ${t}`],
    ['bearer <token> (the scheme in any case)', (t: string) => `bearer ${t}`],
    ['Bearer  <token> (two spaces)', (t: string) => `Bearer  ${t}`],
  ])('%s → 200', async (_how, header) => {
    const tokens = await codeFlow(target)
    expect((await organisations(header(tokens.access_token))).status).toBe(200)
  })

  it.each([
    ['Bearer <token> extra', (t: string) => `Bearer ${t} extra`],
    ['Bearer<token> (no space)', (t: string) => `Bearer${t}`],
    ['Basic <token>', (t: string) => `Basic ${t}`],
    ['Bearer <token with a comma>', (t: string) => `Bearer ${t},x`],
  ])('%s is no bearer token → 401', async (_how, header) => {
    const tokens = await codeFlow(target)
    expect((await organisations(header(tokens.access_token))).status).toBe(401)
  })
})

describe('verification on the mock clock, first use and cached', () => {
  it.each([
    ['used once and then past its exp (the cached path)', true],
    ['first used after its exp (the full verification)', false],
  ])('a token %s → 401 "The access token has expired", noted expired', async (_when, usedBefore) => {
    const tokens = await codeFlow(target)
    if (usedBefore) expect((await organisations(`Bearer ${tokens.access_token}`)).status).toBe(200)
    target.mock.control.advanceClock(3600)
    await thenReset(async () => {
      const reply = await organisations(`Bearer ${tokens.access_token}`)
      expect(reply.status).toBe(401)
      expect(reply.text).toContain('The access token has expired')
      expect(lastNote()).toMatchObject({ tokenRejected: 'expired' })
    })
  })

  it('one second before exp the token still works', async () => {
    const tokens = await codeFlow(target)
    target.mock.control.advanceClock(3599)
    await thenReset(async () => {
      expect((await organisations(`Bearer ${tokens.access_token}`)).status).toBe(200)
    })
  })

  it('a cached token with the clock set back before its nbf → 401 "The access token is invalid", noted as a claim failure', async () => {
    const tokens = await codeFlow(target)
    expect((await organisations(`Bearer ${tokens.access_token}`)).status).toBe(200)
    target.mock.control.advanceClock(-60)
    await thenReset(async () => {
      const reply = await organisations(`Bearer ${tokens.access_token}`)
      expect(reply.status).toBe(401)
      expect(reply.text).toContain('The access token is invalid')
      expect(lastNote()).toMatchObject({ tokenRejected: 'ERR_JWT_CLAIM_VALIDATION_FAILED' })
    })
  })

  it('a withdrawn consent → 401, noted revoked, for a token already cached', async () => {
    const tokens = await codeFlow(target)
    expect((await organisations(`Bearer ${tokens.access_token}`)).status).toBe(200)
    target.mock.control.lifecycle({ event: 'revoke-consent', clientId: DEFAULT_CLIENT_ID })
    await thenReset(async () => {
      expect((await organisations(`Bearer ${tokens.access_token}`)).status).toBe(401)
      expect(lastNote()).toMatchObject({ tokenRejected: 'revoked' })
    })
  })

  it('an id_token as bearer (typ is not at+jwt) → 401, noted as a claim failure', async () => {
    const tokens = await codeFlow(target, { scope: 'openid dineropublicapi:read' })
    expect((await organisations(`Bearer ${tokens.id_token}`)).status).toBe(401)
    expect(lastNote()).toMatchObject({ tokenRejected: 'ERR_JWT_CLAIM_VALIDATION_FAILED' })
  })
})
