import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { OrganizationReadModelV2 } from '../../mocks/dinero/contract/index.ts'
import { NON_PRO_ORGANISATION_ID, PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite } from '../support/dinero-session.ts'

/** dinero-api-docs, dinero-openapi: the organisation lists, `fields` echoing the requested casing. */
describe.each(TARGET_KINDS)('GET /v1/organizations and /v1.1/organizations (%s)', (kind) => {
  const api = dineroSuite(kind)

  it('200 with fields=Name,Id,IsPro returns a plain array with exactly those PascalCase keys', async () => {
    const reply = await api.get('/v1/organizations?fields=Name,Id,IsPro')
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
    const orgs = z
      .array(z.strictObject({ Name: z.string(), Id: z.number().int(), IsPro: z.boolean() }))
      .parse(reply.json())
    expect(orgs.map((o) => o.Id)).toEqual([PRO_ORGANISATION_ID, 148383, NON_PRO_ORGANISATION_ID])
    expect(orgs.find((o) => o.Id === NON_PRO_ORGANISATION_ID)?.IsPro).toBe(false)
  })

  it('200 without fields returns the default lower-camel keys id, name, isPro', async () => {
    const reply = await api.get('/v1/organizations')
    expect(reply.status).toBe(200)
    const orgs = z
      .array(z.strictObject({ id: z.number().int(), name: z.string(), isPro: z.boolean() }))
      .parse(reply.json())
    expect(orgs).toHaveLength(3)
  })

  it('200 with mixed-case fields echoes each name as requested and drops unknown ones', async () => {
    const reply = await api.get('/v1/organizations?fields=nAME,isPayingPro,NoSuchField,email')
    expect(reply.status).toBe(200)
    const [first] = reply.json<Record<string, unknown>[]>()
    expect(Object.keys(first ?? {})).toEqual(['nAME', 'isPayingPro', 'email'])
    expect(first?.nAME).toBe('Dinero Regnskab ApS')
  })

  it('200 on /v1.1/organizations returns OrganizationReadModelV2 items with Subscription', async () => {
    const reply = await api.get('/v1.1/organizations')
    expect(reply.status).toBe(200)
    const orgs = z.array(OrganizationReadModelV2).parse(reply.json())
    expect(orgs.map((o) => [o.Id, o.Subscription.HasPro])).toEqual([
      [PRO_ORGANISATION_ID, true],
      [148383, true],
      [NON_PRO_ORGANISATION_ID, false],
    ])
  })

  // Pins dinero.organisations-exempt-from-pro.
  it('200 for a user without Pro too: the organisation list is exempt from the Pro check', async () => {
    const reply = await api.get('/v1/organizations?fields=Id')
    expect(reply.status).toBe(200)
    expect(reply.json<{ Id: number }[]>().some((o) => o.Id === NON_PRO_ORGANISATION_ID)).toBe(true)
  })
})
