/**
 * `npm start`, the main job on the embedded mock: start the served mock on a free loopback
 * port, run the whole conformance catalogue through Newman against it with progress, write the
 * reports (JUnit, Allure results and one single-file Allure HTML, summary.md), redact and scan
 * them for secrets, print the summary table, and exit non-zero on any failure.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { buildCollection } from '../collections/build.ts'
import { catalogue } from '../collections/catalogue/index.ts'
import { mockSteps } from '../collections/model/types.ts'
import { mockVariables } from '../collections/model/variables.ts'
import { createMock, serveMock } from '../mocks/index.ts'
import { DEFAULT_CLIENT_SECRET, ENCODING_CLIENT_SECRET } from '../mocks/options.ts'
import { checkIdOf, runNewman } from './newman/run.ts'
import { generateAllure } from './reports/allure.ts'
import { addExchange, redactFiles, SecretSet, scanForSecrets } from './reports/secrets.ts'
import { summaryMarkdown, summaryTable } from './reports/summary.ts'

const { values } = parseArgs({
  options: {
    reports: { type: 'string', default: 'reports' },
    'no-allure': { type: 'boolean', default: false },
  },
})
const reports = values.reports
const started = performance.now()
const newmanResults = `${reports}/allure-results-newman`
rmSync(newmanResults, { recursive: true, force: true })
mkdirSync(reports, { recursive: true })

const secrets = new SecretSet()
secrets.add(DEFAULT_CLIENT_SECRET)
secrets.add(ENCODING_CLIENT_SECRET)

const mock = createMock()
const served = await serveMock(mock, { port: 0 })
console.log(
  `dinero-conformance: served mock on ${served.origin}; running ${catalogue.length} checks through Newman\n`,
)

const lastStep = new Map(catalogue.map((c) => [c.id, mockSteps(c).length]))
const failuresByCheck = new Map<string, string[]>()
let organisations = ''
let done = 0
let exitCode = 0
try {
  const result = await runNewman({
    collection: buildCollection(),
    environment: mockVariables({ connect: served.origin, api: served.origin, control: served.origin }),
    withSetup: true,
    reporters: ['junit', 'allure'],
    reporter: {
      junit: { export: `${reports}/junit-newman.xml` },
      allure: { resultsDir: newmanResults },
    },
    onResponse: (item, exchange) => {
      addExchange(secrets, exchange)
      // The organisation picker an integrator shows after login (REFERENCE D): keep it for the summary.
      if (item.startsWith('dinero.organizations.fields-casing · 2.') && exchange.code === 200) {
        organisations = exchange.text
      }
    },
    onItem: (item, failures) => {
      const id = checkIdOf(item)
      const list = failuresByCheck.get(id) ?? []
      list.push(...failures)
      failuresByCheck.set(id, list)
      const stepNo = Number(/ · (\d+)\./.exec(item)?.[1])
      if (lastStep.get(id) === stepNo) {
        done++
        const ok = list.length === 0
        const first = ok ? '' : `  — ${secrets.redact(list[0] ?? '')}`
        console.log(`${ok ? '✓' : '✗'} [${String(done).padStart(2)}/${catalogue.length}] ${id}${first}`)
      }
    },
  })
  if (result.setupFailures.length > 0) {
    console.error(`setup failed: ${secrets.redact(result.setupFailures.join('; '))}`)
    exitCode = 1
  }

  const rows = catalogue.map((check) => {
    const verdict = result.verdicts.get(check.id)
    return { check, passed: verdict?.passed === true, failures: verdict?.failures ?? ['not run'] }
  })
  const failed = rows.filter((r) => !r.passed)
  if (failed.length > 0) exitCode = 1

  writeFileSync(
    `${reports}/summary.md`,
    secrets.redact(summaryMarkdown(rows, { target: `served mock (${served.origin})` })),
  )
  // Redact the raw results first: the HTML report embeds them base64-encoded, where no scan can see.
  redactFiles(reports, secrets)
  if (!values['no-allure']) {
    const allure = generateAllure({
      resultsDirs: [newmanResults, `${reports}/allure-results-vitest`],
      output: `${reports}/allure-report`,
      name: 'Dinero conformance',
    })
    console.log(`\n${allure.message}`)
  }

  // Redact every report, then prove it: any known secret left in any file fails the run.
  redactFiles(reports, secrets)
  const leaks = scanForSecrets(reports, secrets)
  if (leaks.length > 0) {
    console.error(`error [HARNESS_SECRET_LEAK]: a secret is still present in ${leaks.join(', ')}`)
    exitCode = 1
  }

  console.log(`\n${summaryTable(rows)}`)
  printOrganisations(organisations)
  const ms = Math.round(performance.now() - started)
  console.log(
    `\nreports: ${reports}/summary.md, ${reports}/junit-newman.xml, ${reports}/allure-report/index.html`,
  )
  console.log(`${rows.length - failed.length} passed, ${failed.length} failed (${ms} ms)`)
} finally {
  await served.close()
}
process.exitCode = exitCode

function printOrganisations(json: string): void {
  let list: { Name?: string; Id?: number; IsPro?: boolean }[] = []
  try {
    list = JSON.parse(json)
  } catch {
    return
  }
  console.log('\nGET /v1/organizations?fields=Name,Id,IsPro (the seeded user):')
  for (const o of list)
    console.log(`  ${String(o.Id).padStart(8)}  ${o.IsPro ? 'Pro    ' : 'not Pro'}  ${o.Name}`)
}
