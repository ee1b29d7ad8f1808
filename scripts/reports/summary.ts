import type { Check } from '../../collections/model/types.ts'

/** The readable summary: one row per check with its verdict, target class and sources. */
export interface SummaryRow {
  check: Check
  passed: boolean
  failures: string[]
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function summaryMarkdown(rows: readonly SummaryRow[], meta: { target: string }): string {
  const passed = rows.filter((r) => r.passed).length
  const lines = [
    '# Dinero conformance summary',
    '',
    `Target: ${meta.target}. ${passed} passed, ${rows.length - passed} failed.`,
    '',
    '| check | verdict | target class | behaviour | sources |',
    '|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| \`${r.check.id}\` | ${r.passed ? 'pass' : 'FAIL'} | ${r.check.target} | ${cell(r.check.title)} | ${cell(r.check.sources.join('; '))} |`,
    ),
  ]
  const failed = rows.filter((r) => !r.passed)
  if (failed.length > 0) {
    lines.push('', '## Failures', '')
    for (const r of failed) {
      lines.push(`### ${r.check.id}`, '', ...r.failures.map((f) => `- ${cell(f)}`), '')
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
