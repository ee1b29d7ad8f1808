import { catalogue } from '../../collections/catalogue/index.ts'
import { liveByDefault, NEEDS, type Need, runsInLive, runsInLogin } from '../../collections/model/types.ts'

/**
 * The table docs/LIVE.md shows between its `live-coverage` markers: for each check, what it
 * needs and which command runs it against the real services (specs/live/live-coverage.spec.ts
 * holds the document to it).
 */
export function liveCoverageTable(): string {
  const where = (c: (typeof catalogue)[number]): string => {
    if (runsInLogin(c))
      return c.needs.includes('revokes-all-access')
        ? 'login (throw-away grant; not with --no-destructive)'
        : 'login'
    if (runsInLive(c)) return 'live'
    if (runsInLogin(c, true, true)) return 'login --slow'
    if (runsInLive(c, ['grant', 'organisation', 'write-test-organisation'])) return 'live --allow-writes'
    if (runsInLive(c, ['grant', 'organisation', 'revokes-all-access'])) return 'live --destructive'
    return 'mock only'
  }
  const rows = catalogue.map(
    (c) => `| \`${c.id}\` | ${c.needs.map((n) => `\`${n}\``).join(', ') || '–'} | ${where(c)} |`,
  )
  const count = catalogue.filter(liveByDefault).length
  const needs = (Object.entries(NEEDS) as [Need, string][]).map(([n, what]) => `| \`${n}\` | ${what} |`)
  return [
    `${count} of ${catalogue.length} checks run against the real services when \`login\` and then \`live\` run with default flags.`,
    '',
    '| check | needs | runs live in |',
    '|---|---|---|',
    ...rows,
    '',
    '| need | what it is |',
    '|---|---|',
    ...needs,
  ].join('\n')
}

export const COVERAGE_START = '<!-- live-coverage:start (generated from the catalogue) -->'
export const COVERAGE_END = '<!-- live-coverage:end -->'

export const LIVE_DOC = 'docs/LIVE.md'

/** docs/LIVE.md with its coverage table regenerated between the markers (`npm run docs:checks`). */
export function withLiveCoverage(doc: string): string {
  const start = doc.indexOf(COVERAGE_START)
  const end = doc.indexOf(COVERAGE_END)
  if (start < 0 || end < start) throw new Error(`${LIVE_DOC} has lost its live-coverage markers`)
  return `${doc.slice(0, start + COVERAGE_START.length)}\n${liveCoverageTable()}\n${doc.slice(end)}`
}
