import { AREAS } from '../../collections/model/types.ts'
import { AREA_HEADINGS } from './explain.ts'
import { type CheckOutcome, failedExchanges, whatHappened } from './outcomes.ts'

/**
 * The readable summary: a one-line verdict per area first, then one row per check with its
 * verdict, target class and sources, then each failure with the request that failed and what
 * the service did instead (`POST /connect/token: expected 400 invalid_request, got 200`).
 */
export type SummaryRow = CheckOutcome

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function areaVerdicts(rows: readonly SummaryRow[]): string[] {
  return AREAS.flatMap((area) => {
    const list = rows.filter((r) => r.check.area === area)
    if (list.length === 0) return []
    const failed = list.filter((r) => !r.passed)
    const verdict =
      failed.length === 0
        ? `all ${list.length} pass`
        : `${failed.length} of ${list.length} FAIL: ${failed.map((r) => `\`${r.check.id}\``).join(', ')}`
    return [`- **${AREA_HEADINGS[area].title}** (\`${area}\`): ${verdict}`]
  })
}

export function summaryMarkdown(rows: readonly SummaryRow[], meta: { target: string }): string {
  const passed = rows.filter((r) => r.passed).length
  const lines = [
    '# Dinero conformance summary',
    '',
    `Target: ${meta.target}. ${passed} passed, ${rows.length - passed} failed.`,
    '',
    ...areaVerdicts(rows),
    '',
    '| check | verdict | target class | behaviour | sources |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.check.id}\` | ${r.skipped !== undefined ? 'skipped' : r.passed ? 'pass' : 'FAIL'} | ${r.check.target} | ${cell(r.check.title)} | ${cell(r.check.sources.join('; '))} |`,
    ),
  ]
  const failed = rows.filter((r) => !r.passed && r.skipped === undefined)
  if (failed.length > 0) {
    lines.push('', '## Failures', '')
    for (const r of failed) {
      lines.push(`### ${r.check.id}`, '', r.check.title, '')
      const requests = failedExchanges(r)
      if (requests.length > 0) {
        for (const x of requests) {
          const line = whatHappened(x)
          lines.push(`- ${cell(line)}`)
          // The assertions as seen, unless the line already is them.
          if (!line.endsWith(x.failures.join('; '))) for (const f of x.failures) lines.push(`  - ${cell(f)}`)
        }
      } else lines.push(...r.failures.map((f) => `- ${cell(f)}`))
      lines.push('')
    }
  }
  return `${lines.join('\n')}\n`
}

export function summaryTable(rows: readonly SummaryRow[]): string {
  const idWidth = Math.max(...rows.map((r) => r.check.id.length))
  return rows
    .map(
      (r) =>
        `${r.passed ? 'pass' : 'FAIL'}  ${r.check.id.padEnd(idWidth)}  ${r.check.target.padEnd(16)}  ${r.check.sources.slice(0, 2).join('; ')}`,
    )
    .join('\n')
}
