import { createHash, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { replaceDir } from '../cli/paths.ts'
import type { SecretSet } from '../live/secrets.ts'
import { AREA_HEADINGS, explainHtml, explainMarkdown, needsOf, sourceLinks } from './explain.ts'
import { type CheckOutcome, type Exchange, failureLine, whatHappened } from './outcomes.ts'

/**
 * Allure results written from check outcomes: one test per check, not one per request (what a
 * Newman Allure reporter writes). The test is named by the check's title, described by what it
 * pins and why, linked to its sources, labelled by area (the suite, so the landing page groups
 * checks by area with their counts), target and needs, and its steps are the requests it sent,
 * each with the request and the response attached — redacted with the run's SecretSet before a
 * byte is written. The files follow Allure's result format (`<uuid>-result.json`, attachments
 * beside them), which Allure 2 and 3 both read.
 */
type Status = 'passed' | 'failed' | 'broken' | 'skipped'

interface Attachment {
  name: string
  source: string
  type: string
}

interface StepResult {
  name: string
  status: Status
  statusDetails: { message?: string; trace?: string }
  stage: 'finished'
  steps: StepResult[]
  attachments: Attachment[]
  parameters: { name: string; value: string }[]
  start: number
  stop: number
}

export interface AllureRunMeta {
  /** Where it ran: `mock` or `live`. */
  target: string
  /** Which runner produced the verdicts: `newman` or `engine`. */
  runner: string
  /** When the run started (epoch ms); steps are laid out from it by their response times. */
  started: number
  secrets: SecretSet
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')

function headerBlock(headers: Record<string, string>): string {
  return Object.entries(headers)
    .flatMap(([k, v]) => v.split('\n').map((line) => `${k}: ${line}`))
    .join('\n')
}

function requestText(x: Exchange): string {
  return `${x.method} ${x.url}\n${headerBlock(x.requestHeaders)}\n\n${x.requestBody}`
}

function responseText(x: Exchange): string {
  if (x.status === undefined) return `no response\n\n${x.failures.join('\n')}`
  return `HTTP ${x.status}\n${headerBlock(x.responseHeaders)}\n\n${x.responseBody}`
}

/**
 * The results are written into a folder of this run's own and put in place of `dir` whole
 * (scripts/cli/paths.ts replaceDir): two runs sharing a reports folder removed and refilled one
 * folder at once, and one of them ended HARNESS_INTERNAL (ENOTEMPTY).
 */
export function writeAllureResults(
  target: string,
  outcomes: readonly CheckOutcome[],
  meta: AllureRunMeta,
): number {
  replaceDir(target, (dir) => writeResults(dir, outcomes, meta))
  return outcomes.length
}

function writeResults(dir: string, outcomes: readonly CheckOutcome[], meta: AllureRunMeta): void {
  const { secrets } = meta
  const attach = (name: string, text: string): Attachment => {
    const source = `${randomUUID()}-attachment.txt`
    writeFileSync(join(dir, source), secrets.redact(text))
    return { name, source, type: 'text/plain' }
  }
  let clock = meta.started
  for (const outcome of outcomes) {
    const { check } = outcome
    const start = clock
    const steps: StepResult[] = (outcome.exchanges ?? []).map((x, i) => {
      const stepStart = clock
      clock += Math.max(1, Math.round(x.durationMs))
      const failed = x.failures.length > 0
      return {
        name: `${i + 1}. ${x.step} — ${x.method} ${x.url} → ${x.status ?? 'no response'}`,
        status: failed ? 'failed' : 'passed',
        statusDetails: failed ? { message: whatHappened(x), trace: x.failures.join('\n') } : {},
        stage: 'finished',
        steps: [],
        attachments: [attach('request', requestText(x)), attach('response', responseText(x))],
        parameters: [],
        start: stepStart,
        stop: clock,
      }
    })
    const status: Status = outcome.skipped !== undefined ? 'skipped' : outcome.passed ? 'passed' : 'failed'
    const fullName = `${meta.runner}.${meta.target}.${check.id}`
    const result = {
      uuid: randomUUID(),
      historyId: md5(fullName),
      testCaseId: md5(check.id),
      fullName,
      name: check.title,
      status,
      statusDetails:
        status === 'passed' ? {} : { message: failureLine(outcome), trace: outcome.failures.join('\n') },
      stage: 'finished',
      description: explainMarkdown(check),
      descriptionHtml: explainHtml(check),
      steps,
      attachments: [],
      parameters: [{ name: 'check id', value: check.id }],
      labels: [
        { name: 'parentSuite', value: `${meta.target} (${meta.runner})` },
        { name: 'suite', value: `${AREA_HEADINGS[check.area].title} (${check.area})` },
        { name: 'feature', value: check.area },
        { name: 'tag', value: check.target },
        { name: 'target', value: check.target },
        ...needsOf(check).map((value) => ({ name: 'needs', value })),
        { name: 'framework', value: meta.runner },
      ],
      links: sourceLinks(check).map((s) => ({ name: s.cited, url: s.url, type: 'link' })),
      start,
      stop: Math.max(clock, start + 1),
    }
    writeFileSync(join(dir, `${result.uuid}-result.json`), secrets.redact(JSON.stringify(result)))
  }
}
