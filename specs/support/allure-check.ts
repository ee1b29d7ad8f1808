import * as allure from 'allure-js-commons'
import { DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET } from '../../mocks/options.ts'
import type { SecretSet } from '../../scripts/live/secrets.ts'
import {
  AREA_HEADINGS,
  explainHtml,
  explainMarkdown,
  needsOf,
  sourceLinks,
} from '../../scripts/reports/explain.ts'
import type { EngineSend } from '../../scripts/reports/outcomes.ts'
import { type CheckOutcome, whatHappened } from '../../scripts/reports/outcomes.ts'
import { addExchange } from '../../scripts/reports/secrets.ts'

/**
 * The vitest catalogue runner's Allure test for one check, written through allure-vitest's
 * runtime (allure-js-commons) the way scripts/reports/allure-results.ts writes the Newman run's:
 * named by the check's title, described by what it pins and why, linked to its sources, labelled
 * by area, target and needs, and each request a step with the request and the response attached,
 * redacted with a SecretSet fed from every exchange first.
 */
export function secretsOf(secrets: SecretSet, sends: readonly EngineSend[]): SecretSet {
  secrets.add(DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET)
  for (const s of sends)
    if (s.reply)
      addExchange(secrets, {
        code: s.reply.status,
        text: s.reply.text,
        headers: Object.fromEntries(s.reply.headers),
        requestHeaders: Object.fromEntries(
          Object.entries(s.request.headers).map(([k, v]) => [k.toLowerCase(), v]),
        ),
        requestBody: s.request.body ?? '',
      })
  return secrets
}

const block = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')

export async function reportCheck(outcome: CheckOutcome, secrets: SecretSet): Promise<void> {
  const { check } = outcome
  await allure.displayName(check.title)
  await allure.description(explainMarkdown(check))
  await allure.descriptionHtml(explainHtml(check))
  await allure.suite(`${AREA_HEADINGS[check.area].title} (${check.area})`)
  await allure.feature(check.area)
  await allure.tag(check.target)
  await allure.label('target', check.target)
  for (const need of needsOf(check)) await allure.label('needs', need)
  await allure.parameter('check id', check.id)
  for (const s of sourceLinks(check)) await allure.link(s.url, s.cited)
  for (const [i, x] of (outcome.exchanges ?? []).entries()) {
    await allure
      .step(`${i + 1}. ${x.step} — ${x.method} ${x.url} → ${x.status ?? 'no response'}`, async () => {
        await allure.attachment(
          'request',
          secrets.redact(`${x.method} ${x.url}\n${block(x.requestHeaders)}\n\n${x.requestBody}`),
          'text/plain',
        )
        await allure.attachment(
          'response',
          secrets.redact(`HTTP ${x.status ?? '-'}\n${block(x.responseHeaders)}\n\n${x.responseBody}`),
          'text/plain',
        )
        if (x.failures.length > 0) throw new Error(secrets.redact(whatHappened(x)))
      })
      // The step is marked failed; the test's own expectation reports the failure.
      .then(undefined, () => undefined)
  }
}
