import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { removeDir, writeOutputFile } from '../cli/paths.ts'
import type { SecretSet } from '../live/secrets.ts'
import { generateAllure } from './allure.ts'
import { writeAllureResults } from './allure-results.ts'
import { junitXml } from './junit.ts'
import { type CheckOutcome, failedExchanges, whatHappened } from './outcomes.ts'
import { areaVerdicts } from './summary.ts'

/**
 * The live run's reports, from its check outcomes: junit-live.xml (a testcase per check),
 * live-summary.md (verdict per area, a row per check, each failure's request and what the
 * service did), Allure results (allure-results-live/) and their single-file HTML
 * (allure-report-live/index.html). Everything is redacted with the run's SecretSet as it is
 * written; the caller ends the run with the leak scan (scripts/reports/scan.ts).
 */
export interface LiveReportsInput {
  dir: string
  outcomes: readonly CheckOutcome[]
  /** The summary's opening lines: when, against what, which grant rotations. */
  header: readonly string[]
  secrets: SecretSet
  started: number
  /** Render the Allure HTML from the results (`live --no-allure` skips it). */
  allure: boolean
}

export const LIVE_REPORTS = {
  junit: 'junit-live.xml',
  summary: 'live-summary.md',
  allureResults: 'allure-results-live',
  allureReport: 'allure-report-live',
} as const

function liveSummary(input: LiveReportsInput): string {
  const verdict = (o: CheckOutcome) =>
    o.skipped !== undefined ? `skipped (${o.skipped})` : o.passed ? 'pass' : 'FAIL'
  const lines = [
    ...input.header,
    '',
    ...areaVerdicts(input.outcomes.filter((o) => o.skipped === undefined)),
    '',
    '| check | target | verdict |',
    '|---|---|---|',
    ...input.outcomes.map((o) => `| ${o.check.id} | ${o.check.target} | ${verdict(o)} |`),
    '',
  ]
  const failed = input.outcomes.filter((o) => !o.passed && o.skipped === undefined)
  if (failed.length > 0) lines.push('## Failures', '')
  for (const o of failed) {
    lines.push(`### ${o.check.id}`, '', o.check.title, '')
    const requests = failedExchanges(o)
    const list = requests.length > 0 ? requests.map(whatHappened) : o.failures
    lines.push(...list.map((l) => `- ${l.replace(/\n/g, ' ')}`), '')
  }
  return lines.join('\n')
}

export function writeLiveReports(input: LiveReportsInput): string {
  const { dir, secrets } = input
  mkdirSync(dir, { recursive: true })
  writeOutputFile(
    join(dir, LIVE_REPORTS.junit),
    secrets.redact(junitXml(input.outcomes, { name: 'Dinero conformance: live' })),
  )
  writeOutputFile(join(dir, LIVE_REPORTS.summary), secrets.redact(liveSummary(input)))
  const results = join(dir, LIVE_REPORTS.allureResults)
  writeAllureResults(results, input.outcomes, {
    target: 'live',
    runner: 'newman',
    started: input.started,
    secrets,
  })
  const output = join(dir, LIVE_REPORTS.allureReport)
  removeDir(output)
  if (!input.allure) return `Allure results: ${results} (no HTML report: --no-allure)`
  return generateAllure({ resultsDirs: [results], output, name: 'Dinero conformance (live)' }).message
}
