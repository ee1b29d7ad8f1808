import { catalogue } from '../../collections/catalogue/index.ts'
import { SOURCES, type Source } from '../../collections/sources.ts'
import { PROBES } from '../grade/probes.ts'

/** docs/SOURCES.md, generated from collections/sources.ts and the checks and probes that cite each source. */
export const SOURCES_DOC = 'docs/SOURCES.md'

const cell = (s: string) => s.replace(/\|/g, '\\|')

/** The registered id a cited string names (`oidc-core §2` names `oidc-core`), or undefined for an RFC. */
const idOf = (cited: string) => SOURCES.find((s) => cited === s.id || cited.startsWith(`${s.id} §`))?.id

export function sourcesMarkdown(): string {
  const citedBy = new Map<string, string[]>()
  for (const { id: by, sources } of [...catalogue, ...PROBES]) {
    for (const cited of sources) {
      const id = idOf(cited)
      if (id) citedBy.set(id, [...new Set([...(citedBy.get(id) ?? []), by])])
    }
  }
  const row = (s: Source) =>
    `| \`${s.id}\` | ${cell(s.establishes)} | <${s.url}> | ${(citedBy.get(s.id) ?? []).map((c) => `\`${c}\``).join(', ')} |`
  const table = (rows: readonly Source[]) => [
    '| id | establishes | where | cited by checks and probes |',
    '|---|---|---|---|',
    ...rows.map(row),
  ]
  return [
    '# Sources',
    '',
    'Generated from `collections/sources.ts` — do not edit by hand; `npm run docs:checks` rewrites it.',
    '',
    'Every check, probe and code comment cites an id from this list or an RFC section such as `RFC 6749 §4.1.3` (which links to <https://www.rfc-editor.org/rfc/rfc6749.html#section-4.1.3>). An id with a section (`oidc-core §3.1.3.7`) points into that source. `specs/checks/sources.spec.ts` fails on a citation that resolves to nothing.',
    '',
    'The Dinero OpenAPI and the Visma Connect metadata are also committed, with where and when they were captured: `mocks/dinero/contract/data/` and `mocks/connect/data/`.',
    '',
    table(SOURCES.filter((s) => s.kind !== 'open-question')).join('\n'),
    '',
    '## Open questions',
    '',
    'Points the sources were searched for and are silent on. The mock’s behaviour there is an assumption; the code marks it `assumption:` and cites the question’s id.',
    '',
    table(SOURCES.filter((s) => s.kind === 'open-question')).join('\n'),
    '',
  ].join('\n')
}
