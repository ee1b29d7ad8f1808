import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { BEHAVIOURS, type Behaviour } from '../../collections/behaviours.ts'
import { catalogue } from '../../collections/catalogue/index.ts'
import type { Area, Check } from '../../collections/model/types.ts'
import { resolveSource } from '../../collections/sources.ts'

/**
 * collections/behaviours.ts is the list docs/CHECKS.md reports coverage against, so it has to be
 * true: every behaviour cites a resolvable source, every pin in the catalogue names a listed
 * behaviour, and every mock spec a behaviour names exists and mentions the behaviour's id (so a
 * renamed or deleted spec cannot leave a behaviour looking covered).
 */
const root = new URL('../../', import.meta.url)
const readSpec = (path: string): string | undefined => {
  try {
    return readFileSync(new URL(path, root), 'utf8')
  } catch {
    return undefined
  }
}

/** The areas whose every check pins a documented behaviour (the token side, discovery and Dinero). */
const PINNED_AREAS: readonly Area[] = [
  'token-endpoint',
  'client-auth',
  'code',
  'pkce',
  'refresh',
  'discovery',
  'dinero',
]

function problems(
  behaviours: readonly Behaviour[],
  checks: readonly Pick<Check, 'id' | 'area' | 'pins'>[],
  read: (path: string) => string | undefined,
): string[] {
  const out: string[] = []
  const ids = new Set<string>()
  for (const b of behaviours) {
    if (ids.has(b.id)) out.push(`${b.id}: listed twice`)
    ids.add(b.id)
    if (!/^[a-z][a-z-]*\.[a-z0-9][a-z0-9-]*$/.test(b.id)) out.push(`${b.id}: not an <area>.<behaviour> id`)
    if (b.sources.length === 0) out.push(`${b.id}: cites no source`)
    for (const s of b.sources) {
      try {
        resolveSource(s)
      } catch {
        out.push(`${b.id}: unknown source ${s}`)
      }
    }
    for (const path of b.specs ?? []) {
      if (!/^specs\/.+\.spec\.ts$/.test(path)) out.push(`${b.id}: ${path} is not a spec file under specs/`)
      const text = read(path)
      if (text === undefined) out.push(`${b.id}: ${path} does not exist`)
      else if (!text.includes(b.id)) out.push(`${b.id}: ${path} does not mention ${b.id}`)
    }
  }
  for (const c of checks) {
    for (const pin of c.pins ?? []) if (!ids.has(pin)) out.push(`${c.id}: pins unknown behaviour ${pin}`)
    if (PINNED_AREAS.includes(c.area) && (c.pins ?? []).length === 0) out.push(`${c.id}: pins no behaviour`)
  }
  return out
}

describe('the documented behaviours (collections/behaviours.ts)', () => {
  it('every behaviour cites a resolvable source, every pin is a listed behaviour, every listed spec mentions its id', () => {
    expect(problems(BEHAVIOURS, catalogue, readSpec)).toEqual([])
  })

  it('the rules can fail: an unknown pin, a missing spec, a spec that does not mention the id and an unknown source are each reported', () => {
    const behaviours: Behaviour[] = [
      { id: 'token.example', says: 'x', sources: ['no-such-source'], specs: ['specs/none.spec.ts'] },
      { id: 'token.other', says: 'y', sources: ['RFC 6749 §3.2'], specs: ['specs/silent.spec.ts'] },
    ]
    const checks = [
      { id: 'connect.token.a', area: 'token-endpoint' as const, pins: ['token.missing'] },
      { id: 'connect.token.b', area: 'token-endpoint' as const },
      { id: 'dinero.c', area: 'dinero' as const },
    ]
    const read = (path: string) => (path === 'specs/silent.spec.ts' ? 'it("says nothing")' : undefined)
    expect(problems(behaviours, checks, read)).toEqual([
      'token.example: unknown source no-such-source',
      'token.example: specs/none.spec.ts does not exist',
      'token.other: specs/silent.spec.ts does not mention token.other',
      'connect.token.a: pins unknown behaviour token.missing',
      'connect.token.b: pins no behaviour',
      'dinero.c: pins no behaviour',
    ])
  })

  it('every behaviour of the token side is pinned by a check or a listed mock spec', () => {
    const pinned = new Set(catalogue.flatMap((c) => c.pins ?? []))
    const tokenSide = BEHAVIOURS.filter((b) => /^(token|client-auth|code|pkce|refresh)\./.test(b.id))
    expect(
      tokenSide.filter((b) => !pinned.has(b.id) && (b.specs ?? []).length === 0).map((b) => b.id),
    ).toEqual([])
  })

  it('every behaviour of the Dinero API, discovery and the IdP session is pinned by a check or a listed mock spec', () => {
    const pinned = new Set(catalogue.flatMap((c) => c.pins ?? []))
    const documented = BEHAVIOURS.filter((b) => /^(dinero|discovery|session)\./.test(b.id))
    expect(documented.length).toBeGreaterThan(0)
    expect(
      documented.filter((b) => !pinned.has(b.id) && (b.specs ?? []).length === 0).map((b) => b.id),
    ).toEqual([])
  })
})
