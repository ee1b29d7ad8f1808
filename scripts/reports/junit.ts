import { AREAS } from '../../collections/model/types.ts'
import { type CheckOutcome, failureLine } from './outcomes.ts'

/**
 * JUnit XML with one `testcase` per check (Newman's junit reporter writes one per assertion, so
 * a CI page listed assertions, not checks): a `testsuite` per area, the check's failed assertions
 * as its failure's text, the first failing request and what it got as the failure's message.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 §2.2 does not allow are what this finds
const INVALID_XML = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd]/gu

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

export function junitXml(outcomes: readonly CheckOutcome[], meta: { name: string }): string {
  const time = (o: CheckOutcome) => (o.exchanges ?? []).reduce((t, x) => t + x.durationMs, 0)
  const count = (list: readonly CheckOutcome[]) => ({
    tests: list.length,
    failures: list.filter((o) => !o.passed && o.skipped === undefined).length,
    skipped: list.filter((o) => o.skipped !== undefined).length,
    time: seconds(list.reduce((t, o) => t + time(o), 0)),
  })
  const attrs = (c: ReturnType<typeof count>) =>
    `tests="${c.tests}" failures="${c.failures}" errors="0" skipped="${c.skipped}" time="${c.time}"`
  const suites = AREAS.map((area) => [area, outcomes.filter((o) => o.check.area === area)] as const)
    .filter(([, list]) => list.length > 0)
    .map(([area, list]) => {
      const cases = list.map((o) => {
        const open = `    <testcase classname="${xmlEscape(area)}" name="${xmlEscape(`${o.check.id}: ${o.check.title}`)}" time="${seconds(time(o))}"`
        if (o.skipped !== undefined)
          return `${open}>\n      <skipped message="${xmlEscape(o.skipped)}"/>\n    </testcase>`
        if (o.passed) return `${open}/>`
        return `${open}>\n      <failure message="${xmlEscape(failureLine(o))}" type="AssertionError">${xmlEscape(o.failures.join('\n'))}</failure>\n    </testcase>`
      })
      return [
        `  <testsuite name="${xmlEscape(area)}" ${attrs(count(list))}>`,
        ...cases,
        '  </testsuite>',
      ].join('\n')
    })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(meta.name)}" ${attrs(count(outcomes))}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
