import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { resolveSource, SOURCES } from '../../collections/sources.ts'
import { SOURCES_DOC, sourcesMarkdown } from '../../scripts/docs/sources.ts'
import { PROBES } from '../../scripts/grade/probes.ts'

/**
 * The repository stands alone: every citation resolves to a public source in
 * collections/sources.ts or an RFC section, and nothing points outside the repository.
 */
const root = new URL('../../', import.meta.url)
const tracked = execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
  .split('\0')
  .filter((f) => f !== '' && !f.startsWith('node_modules/'))
const read = (file: string) => {
  try {
    return readFileSync(new URL(file, root), 'utf8')
  } catch {
    return '' // listed but deleted in the working tree
  }
}
/** Where an id counts as cited: every tracked file but the registry and the page made from it. */
const citing = tracked.filter((f) => f !== 'collections/sources.ts' && f !== SOURCES_DOC)

/** Ids kept although nothing cites them: none today. */
const UNCITED_BY_DESIGN = new Set<string>()

describe('the source registry', () => {
  it.each(catalogue.map((c) => [c.id, c.sources] as const))(
    'check %s cites only resolvable sources',
    (_, sources) => {
      expect(sources.length).toBeGreaterThan(0)
      for (const s of sources) expect(() => resolveSource(s), s).not.toThrow()
    },
  )

  it.each(PROBES.map((p) => [p.id, p.sources] as const))(
    'probe %s cites only resolvable sources',
    (_, sources) => {
      for (const s of sources) expect(() => resolveSource(s), s).not.toThrow()
    },
  )

  it('an unknown id fails with a message naming it and the registry', () => {
    expect(() => resolveSource('duende-no-such-file')).toThrow(
      'unknown source "duende-no-such-file": define it in collections/sources.ts',
    )
  })

  it('an RFC section and an id with a section resolve to links', () => {
    expect(resolveSource('RFC 6749 §4.1.3').url).toBe(
      'https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3',
    )
    expect(resolveSource('oidc-core §3.1.3.7')).toEqual({
      id: 'oidc-core',
      url: 'https://openid.net/specs/openid-connect-core-1_0.html',
    })
  })

  it('ids are unique kebab-case, each source says what it establishes', () => {
    const ids = SOURCES.map((s) => s.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const s of SOURCES) {
      expect(s.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/)
      expect(s.establishes.length, s.id).toBeGreaterThan(20)
    }
  })

  it('every URL is https', () => {
    for (const s of SOURCES) expect(new URL(s.url).protocol, s.id).toBe('https:')
  })

  it('every id is cited somewhere in the repository, or kept on purpose', () => {
    const text = citing.map(read).join('\n')
    const uncited = SOURCES.map((s) => s.id).filter(
      (id) => !UNCITED_BY_DESIGN.has(id) && !new RegExp(`(^|[^a-z0-9-])${id}($|[^a-z0-9-])`, 'm').test(text),
    )
    expect(uncited).toEqual([])
  })

  it('docs/SOURCES.md equals a fresh build (run `npm run docs:checks` after changing a source)', () => {
    expect(read(SOURCES_DOC) === sourcesMarkdown()).toBe(true)
  })
})

describe('no tracked file points outside the repository', () => {
  // Built by concatenation so this file does not match itself.
  const forbidden = [
    { name: 'a path into the sibling shared folder', pattern: new RegExp(['\\.\\.', '/shared'].join('')) },
    { name: 'a research-notes section id', pattern: new RegExp(['REFER', 'ENCE [A-E]'].join('')) },
    { name: 'the design notes', pattern: new RegExp(['DESIGN', '\\.md'].join('')) },
  ]

  it.each(forbidden)('none cites $name', ({ pattern }) => {
    const hits = tracked.flatMap((file) =>
      read(file)
        .split('\n')
        .flatMap((line, i) => (pattern.test(line) ? [`${file}:${i + 1}`] : [])),
    )
    expect(hits).toEqual([])
  })
})
