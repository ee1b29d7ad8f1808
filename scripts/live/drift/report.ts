import { join } from 'node:path'
import { catalogue } from '../../../collections/catalogue/index.ts'
import { resolveSource } from '../../../collections/sources.ts'
import { writeOutputFile } from '../../cli/paths.ts'
import type { SecretSet } from '../secrets.ts'
import { type Aspect, compareShapes } from './compare.ts'
import type { RecordedStep } from './record.ts'

/**
 * Drift: how far the mock is from the services a run checked, step by step. `drift.json` is
 * `[{ check, step, aspect, live, mock }]`; `drift.md` shows the same per check and step with the
 * sources the check relies on (collections/sources.ts). Both are redacted as they are written,
 * and the run's leak scan reads them like every other report.
 */
export interface DriftEntry {
  check: string
  step: string
  aspect: Aspect
  live: string
  mock: string
}

export interface Drift {
  entries: DriftEntry[]
  /** Steps answered on both sides and compared. */
  compared: number
}

const key = (s: RecordedStep) => `${s.check}\n${s.index}`

/** Every live step against the mock's answer to the same step; a step the mock never answered is a status drift. */
export function measureDrift(live: readonly RecordedStep[], mock: readonly RecordedStep[]): Drift {
  const answers = new Map(mock.map((s) => [key(s), s]))
  const entries: DriftEntry[] = []
  let compared = 0
  for (const step of live) {
    const name = `${step.index}. ${step.step}`
    const other = answers.get(key(step))
    if (other === undefined) {
      entries.push({
        check: step.check,
        step: name,
        aspect: 'status',
        live: String(step.shape.status),
        mock: 'no answer',
      })
      continue
    }
    compared++
    for (const d of compareShapes(step.shape, other.shape))
      entries.push({ check: step.check, step: name, ...d })
  }
  return { entries, compared }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function sourcesOf(checkId: string): string {
  const check = catalogue.find((c) => c.id === checkId)
  if (check === undefined) return 'not in this catalogue'
  return check.sources
    .map((cited) => {
      try {
        const { url } = resolveSource(cited)
        return `[${cited}](${url})`
      } catch {
        return cited
      }
    })
    .join(', ')
}

export function driftMarkdown(drift: Drift): string {
  const checks = [...new Set(drift.entries.map((e) => e.check))]
  const lines = [
    '# Drift: the live services against the mock',
    '',
    `${drift.entries.length} difference(s) in ${checks.length} check(s); ${drift.compared} step(s) answered by both and compared.`,
    'Shapes only: status, the headers clients read, JSON keys and types, error codes (never a value).',
  ]
  for (const id of checks) {
    lines.push(
      '',
      `## ${id}`,
      '',
      `Sources: ${sourcesOf(id)}`,
      '',
      '| step | aspect | live | mock |',
      '|---|---|---|---|',
    )
    for (const e of drift.entries.filter((x) => x.check === id))
      lines.push(`| ${cell(e.step)} | ${e.aspect} | ${cell(e.live)} | ${cell(e.mock)} |`)
  }
  return `${lines.join('\n')}\n`
}

export function writeDriftReports(dir: string, drift: Drift, secrets: SecretSet): string[] {
  const json = join(dir, 'drift.json')
  const md = join(dir, 'drift.md')
  writeOutputFile(json, secrets.redact(`${JSON.stringify(drift.entries, null, 2)}\n`))
  writeOutputFile(md, secrets.redact(driftMarkdown(drift)))
  return [json, md]
}

export function driftSummary(drift: Drift): string {
  const checks = new Set(drift.entries.map((e) => e.check)).size
  return `drift: ${drift.entries.length} difference(s) between the live services and the mock in ${checks} check(s), ${drift.compared} step(s) compared (drift.md)`
}
