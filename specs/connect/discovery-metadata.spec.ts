import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * `visma-connect-discovery`: the mock's discovery document against the metadata Visma Connect
 * publishes (captured in mocks/connect/data/; its README says where and when). The mock serves
 * every endpoint on its own origin and advertises only what it implements, so it must agree with
 * Visma on every path and value it does advertise, and advertise nothing Visma does not.
 */
type Metadata = Record<string, unknown>

const visma: Metadata = JSON.parse(
  readFileSync(
    new URL('../../mocks/connect/data/visma-connect-oauth-authorization-server.json', import.meta.url),
    'utf8',
  ),
)

const ENDPOINTS = [
  'jwks_uri',
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'end_session_endpoint',
  'revocation_endpoint',
  'introspection_endpoint',
] as const

/** Lists whose every mock entry must appear in Visma's list. */
const SUBSETS = [
  'scopes_supported',
  'claims_supported',
  'grant_types_supported',
  'response_types_supported',
] as const

/** Values the mock copies as they are (it implements no front- or back-channel logout, so says false there). */
const EQUAL = [
  'response_modes_supported',
  'token_endpoint_auth_methods_supported',
  'revocation_endpoint_auth_methods_supported',
  'introspection_endpoint_auth_methods_supported',
  'id_token_signing_alg_values_supported',
  'subject_types_supported',
  'code_challenge_methods_supported',
  'prompt_values_supported',
  'authorization_response_iss_parameter_supported',
] as const

describe('discovery against the captured Visma Connect metadata', () => {
  let target: Target
  let mock: Metadata
  beforeAll(async () => {
    target = await startTarget('in-process')
    mock = (await target.call('connect', '/.well-known/oauth-authorization-server')).json<Metadata>()
  })
  afterAll(() => target.close())

  it('the captured metadata is Visma Connect’s, with its issuer https://connect.visma.com', () => {
    expect(visma.issuer).toBe('https://connect.visma.com')
  })

  it.each(ENDPOINTS)('%s sits on the same path as at Visma Connect', (key) => {
    expect(new URL(String(mock[key])).pathname).toBe(new URL(String(visma[key])).pathname)
  })

  it('advertises no endpoint Visma Connect does not', () => {
    const advertised = Object.keys(mock).filter((key) => key.endsWith('_endpoint') || key === 'jwks_uri')
    expect(advertised.filter((key) => !(key in visma))).toEqual([])
  })

  it.each(SUBSETS)('%s is non-empty and every entry is one Visma Connect advertises', (key) => {
    const theirs = visma[key] as string[]
    // An empty list is a subset of anything: without this, emptying it would pass.
    expect((mock[key] as string[]).length).toBeGreaterThan(0)
    expect((mock[key] as string[]).filter((value) => !theirs.includes(value))).toEqual([])
  })

  it.each(EQUAL)('%s equals Visma Connect’s', (key) => {
    expect(mock[key]).toEqual(visma[key])
  })

  it('like Visma Connect, does not list the Dinero scopes (not shown in discovery)', () => {
    for (const doc of [mock, visma]) {
      expect((doc.scopes_supported as string[]).filter((s) => s.startsWith('dineropublicapi'))).toEqual([])
    }
  })
})
