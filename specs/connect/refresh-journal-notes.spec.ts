import { describe, expect, it } from 'vitest'
import { codeFlow, refresh } from '../../scripts/targets/oauth.ts'
import { TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { targetPerTest } from '../support/target-per-test.ts'

/**
 * What a refresh request leaves in the journal, which the grader (scripts/grade/probes.ts) reads to
 * follow one refresh token through an app's run: a fingerprint of the presented token (never the
 * token), why it was refused (unknown, expired, replay), a grace-window retry, how many grants a
 * revoke-all replay revoked, and whether the handle rotated. Each note here was a mutant of
 * mocks/connect/grants/refresh-token.ts that no other spec noticed (docs/MUTATION.md).
 */
describe.each(TARGET_KINDS)('refresh journal notes (%s)', (kind) => {
  const start = targetPerTest(kind)
  const lastNotes = (t: Target) => t.mock.journal.entries({ path: '/connect/token' }).at(-1)?.details ?? {}

  it('the presented token is noted as a fingerprint: the same for the same token, never the token itself', async () => {
    const t = await start({ refresh: { usage: 'reuse' } })
    const { refresh_token: handle } = await codeFlow(t)
    await refresh(t, handle!)
    const fp = lastNotes(t).refresh_token_fp
    expect(fp).toEqual(expect.any(String))
    expect(String(fp)).not.toContain(handle!.slice(0, 8))
    await refresh(t, handle!)
    expect(lastNotes(t).refresh_token_fp).toBe(fp)
    await refresh(t, 'F'.repeat(64))
    expect(lastNotes(t).refresh_token_fp).not.toBe(fp)
  })

  it('an unknown token → 400 invalid_grant, noted refresh: unknown', async () => {
    const t = await start()
    expect((await refresh(t, 'F'.repeat(64))).json()).toEqual({ error: 'invalid_grant' })
    expect(lastNotes(t).refresh).toBe('unknown')
  })

  it('a token over 100 characters → 400 invalid_grant, noted refresh: unknown (no handle the mock issues is that long)', async () => {
    const t = await start()
    expect((await refresh(t, 'F'.repeat(101))).json()).toEqual({ error: 'invalid_grant' })
    expect(lastNotes(t).refresh).toBe('unknown')
  })

  it('an expired token → 400 invalid_grant, noted refresh: expired', async () => {
    const t = await start({ refresh: { absoluteLifetimeSeconds: 60 } })
    const first = await codeFlow(t)
    t.mock.clock.advance(60_000)
    expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    expect(lastNotes(t).refresh).toBe('expired')
  })

  it('a one-time token rotates → 200, noted rotated: true', async () => {
    const t = await start()
    await refresh(t, (await codeFlow(t)).refresh_token!)
    expect(lastNotes(t)).toMatchObject({ rotated: true })
  })

  it('a re-use token comes back unchanged → 200, noted rotated: false', async () => {
    const t = await start({ refresh: { usage: 'reuse' } })
    await refresh(t, (await codeFlow(t)).refresh_token!)
    expect(lastNotes(t)).toMatchObject({ rotated: false })
  })

  it('a replay under revoke-all → 400 invalid_grant, noted refresh: replay with the number of tokens revoked', async () => {
    const t = await start({ refresh: { replay: 'revoke-all' } })
    const first = await codeFlow(t)
    await refresh(t, first.refresh_token!)
    expect((await refresh(t, first.refresh_token!)).json()).toEqual({ error: 'invalid_grant' })
    expect(lastNotes(t)).toMatchObject({ refresh: 'replay', revoked: expect.any(Number) })
    expect(Number(lastNotes(t).revoked)).toBeGreaterThan(0)
  })

  it('a replay under reject → 400 invalid_grant, noted refresh: replay and nothing revoked', async () => {
    const t = await start({ refresh: { replay: 'reject' } })
    const first = await codeFlow(t)
    await refresh(t, first.refresh_token!)
    await refresh(t, first.refresh_token!)
    expect(lastNotes(t).refresh).toBe('replay')
    expect(lastNotes(t)).not.toHaveProperty('revoked')
  })

  it('a retry inside the grace window → 200, noted refresh: grace', async () => {
    const t = await start({ refresh: { graceSeconds: 10 } })
    const first = await codeFlow(t)
    await refresh(t, first.refresh_token!)
    t.mock.clock.advance(5_000)
    expect((await refresh(t, first.refresh_token!)).status).toBe(200)
    expect(lastNotes(t).refresh).toBe('grace')
  })
})
