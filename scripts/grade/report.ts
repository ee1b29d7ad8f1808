import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { writeOutputFile } from '../cli/paths.ts'
import type { Observations, ProbeResult } from './types.ts'

/**
 * The grader's two reports: JUnit (one testcase per probe, the failure message says what was
 * seen) for CI, and Markdown for people (each probe with its sources and verdict). Both are
 * built from the redacted journal; as a last guard every known secret, and anything shaped like a
 * token or code, is redacted before a byte is written (grade/index.ts `redactor`).
 */
const SUITE = 'dinero-conformance client grade'

function xml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .split('')
    .filter(allowedInXml)
    .join('')
}

/** XML 1.0 §2.2: tab, newline, carriage return and everything from space up, bar surrogates and U+FFFE/F. */
function allowedInXml(ch: string): boolean {
  const c = ch.charCodeAt(0)
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xfffd)
}

export function junitReport(probes: readonly ProbeResult[], durationMs: number): string {
  const failures = probes.filter((p) => p.verdict === 'fail').length
  const errors = probes.filter((p) => p.verdict === 'error').length
  const seconds = (ms: number) => (ms / 1000).toFixed(3)
  const cases = probes.map((p) => {
    const name = xml(`${p.id}: ${p.title}`)
    const open = `    <testcase classname="grade.${xml(p.id)}" name="${name}" time="${seconds(p.durationMs)}">`
    const body = [`sources: ${p.sources.join('; ')}`, p.summary, ...p.evidence].map(xml).join('\n')
    if (p.verdict === 'pass') return `${open}\n      <system-out>${body}</system-out>\n    </testcase>`
    const tag = p.verdict === 'fail' ? 'failure' : 'error'
    return `${open}\n      <${tag} message="${xml(p.summary)}" type="${tag === 'failure' ? 'ProbeFailed' : 'ScenarioError'}">${body}</${tag}>\n    </testcase>`
  })
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${SUITE}" tests="${probes.length}" failures="${failures}" errors="${errors}" time="${seconds(durationMs)}">
  <testsuite name="${SUITE}" tests="${probes.length}" failures="${failures}" errors="${errors}" skipped="0" time="${seconds(durationMs)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`
}

const md = (s: string) => s.replace(/\|/g, '\\|')

export function markdownReport(
  probes: readonly ProbeResult[],
  obs: Observations,
  durationMs: number,
): string {
  const passed = probes.filter((p) => p.verdict === 'pass').length
  const mark = { pass: '✅ pass', fail: '❌ fail', error: '⚠️ error' } as const
  const lines = [
    '# Client conformance grade',
    '',
    `${passed} of ${probes.length} probes passed in ${(durationMs / 1000).toFixed(1)} s.`,
    `Mock: ${obs.mockOrigin} · redirect_uri: ${obs.redirectUri}`,
    '',
    '| Probe | Verdict | What was seen |',
    '|---|---|---|',
    ...probes.map((p) => `| \`${p.id}\` | ${mark[p.verdict]} | ${md(p.summary)} |`),
    '',
  ]
  const scenarioErrors = Object.entries(obs.errors)
  if (scenarioErrors.length > 0) {
    lines.push('## Scenarios that could not run', '')
    for (const [id, why] of scenarioErrors) lines.push(`- **${id}**: ${why}`)
    lines.push('')
  }
  lines.push('## Probes', '')
  for (const p of probes) {
    lines.push(`### ${mark[p.verdict]} \`${p.id}\``, '', p.title, '', `- Sources: ${p.sources.join(', ')}`)
    lines.push(`- Seen: ${p.summary}`)
    for (const e of p.evidence) lines.push(`  - ${e}`)
    lines.push('')
  }
  lines.push(
    'Secrets (client secret, codes, tokens, verifiers, state) never appear here: the journal',
    'replaces them with fingerprints `[redacted:xxxxxxxx]`, equal values giving equal fingerprints.',
    '',
  )
  return lines.join('\n')
}

export async function writeReports(
  dir: string,
  probes: readonly ProbeResult[],
  obs: Observations,
  durationMs: number,
  redact: (text: string) => string,
): Promise<{ junit: string; markdown: string }> {
  await mkdir(dir, { recursive: true })
  const junit = join(dir, 'grade-junit.xml')
  const markdown = join(dir, 'grade.md')
  writeOutputFile(junit, redact(junitReport(probes, durationMs)))
  writeOutputFile(markdown, redact(markdownReport(probes, obs, durationMs)))
  return { junit, markdown }
}
