/**
 * `dinero-conformance check` (`npm start`), the main job: on the embedded mock, start the served
 * mock on a free loopback port, run the catalogue (all of it, or the `--check`s and `--area`s
 * named) through Newman with progress, write the reports (JUnit, Allure results and one
 * single-file Allure HTML, summary.md), redact and scan them for secrets, print the summary
 * table, and exit 1 on any failed check. `--runner vitest` runs the same checks through the
 * engine the vitest specs use (summary.md only); `--target live` hands over to `live`, which
 * owns the token store.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { catalogue } from '../../collections/catalogue/index.ts'
import { AREAS, type Area, type Check, mockSteps } from '../../collections/model/types.ts'
import { DEVIATIONS, type DeviationId } from '../../mocks/deviations.ts'
import { type Context, defineCommand } from '../cli/command.ts'
import { ensureWritableDir, removeDir, writeOutputFile } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'
import type { SecretSet } from '../live/secrets.ts'
import type { EngineSend } from '../reports/outcomes.ts'
import type { SummaryRow } from '../reports/summary.ts'
import { runLive } from './live.ts'

export const command = defineCommand({
  name: 'check',
  summary:
    'Run the conformance checks (the whole catalogue on the embedded mock by default) and write reports',
  flags: {
    target: {
      type: 'string',
      value: '<target>',
      default: 'mock',
      choices: ['mock', 'live'],
      description:
        'mock: a served mock on a free loopback port; live: the services of `dinero-conformance live`, with its grant',
    },
    runner: {
      type: 'string',
      value: '<runner>',
      default: 'newman',
      choices: ['newman', 'vitest'],
      description:
        'newman: the generated Postman collection; vitest: the engine the vitest specs run (mock only)',
    },
    check: {
      type: 'string',
      value: '<id>',
      multiple: true,
      choices: () => catalogue.map((c) => c.id),
      choicesHelp: 'a check id; `dinero-conformance checks` lists them',
      description: 'run this check',
    },
    area: {
      type: 'string',
      value: '<area>',
      multiple: true,
      choices: AREAS,
      description: 'run the checks of this area',
    },
    deviation: {
      type: 'string',
      value: '<id>',
      multiple: true,
      choices: Object.keys(DEVIATIONS),
      description: 'switch this deviation on in the mock (mocks/deviations.ts): rehearse a failing run',
    },
    reports: { type: 'string', value: '<dir>', default: 'reports', description: 'where the reports go' },
    'no-allure': { type: 'boolean', description: 'skip the Allure HTML report' },
  },
  notes: [
    'With neither --check nor --area every check runs; with them, the named checks and every check of the named areas.',
    'Against live: only live-safe checks run; login first, and see `dinero-conformance live --help` for its other flags.',
  ],
  async run(values, context) {
    const only = new Set(values.check)
    const areas = new Set(values.area as Area[])
    if (values.target === 'live') {
      if (values.runner !== 'newman')
        throw new HarnessError('HARNESS_USAGE', '--target live runs through Newman only (--runner newman)')
      if (values.deviation.length > 0)
        throw new HarnessError(
          'HARNESS_USAGE',
          '--deviation switches the mock; it has no meaning with --target live',
        )
      return runLive(
        {
          config: {},
          allowWrites: false,
          destructive: false,
          checks: [...only],
          areas: [...areas],
          reports: values.reports,
        },
        context,
      )
    }
    ensureWritableDir('--reports', values.reports)
    const all = only.size === 0 && areas.size === 0
    const selected = catalogue.filter((c) => all || only.has(c.id) || areas.has(c.area))
    const run = values.runner === 'vitest' ? runEngine : runNewmanOnMock
    return run(
      {
        checks: selected,
        whole: all,
        reports: values.reports,
        allure: !values['no-allure'],
        deviations: values.deviation as DeviationId[],
      },
      context,
    )
  },
})

export interface MockRunInput {
  checks: readonly Check[]
  /** The whole catalogue (no folder selection in Newman). */
  whole: boolean
  reports: string
  allure: boolean
  /** Deviations switched on in the served mock (mocks/deviations.ts): how a failing report is rehearsed. */
  deviations?: readonly DeviationId[]
}

/** The main job on a served mock of its own: Newman, then every report; resolves to the exit code. */
export async function runNewmanOnMock(input: MockRunInput, { secrets }: Context): Promise<number> {
  const [
    { buildCollection },
    { mockVariables },
    mocks,
    options,
    newman,
    reportSecrets,
    { outcomesFromNewman },
  ] = await Promise.all([
    import('../../collections/build.ts'),
    import('../../collections/model/variables.ts'),
    import('../../mocks/index.ts'),
    import('../../mocks/options.ts'),
    import('../newman/run.ts'),
    import('../reports/secrets.ts'),
    import('../reports/outcomes.ts'),
  ])
  const { reports, checks } = input
  const started = performance.now()
  const runStarted = Date.now()
  const newmanResults = join(reports, 'allure-results-newman')
  removeDir(newmanResults)
  mkdirSync(reports, { recursive: true })
  secrets.add(options.DEFAULT_CLIENT_SECRET)
  secrets.add(options.ENCODING_CLIENT_SECRET)

  const served = await mocks.serveMock(mocks.createMock({ deviations: input.deviations ?? [] }), {
    port: 0,
  })
  console.log(
    `dinero-conformance: served mock on ${served.origin}; running ${checks.length} checks through Newman\n`,
  )
  const lastStep = new Map(checks.map((c) => [c.id, mockSteps(c).length]))
  const failuresByCheck = new Map<string, string[]>()
  let organisations = ''
  let done = 0
  try {
    const result = await newman.runNewman({
      collection: buildCollection(),
      environment: mockVariables({ connect: served.origin, api: served.origin, control: served.origin }),
      ...(input.whole ? { withSetup: true } : { checks: checks.map((c) => c.id), withSetup: true }),
      onResponse: (item, exchange) => {
        if (exchange === undefined) return
        reportSecrets.addExchange(secrets, exchange)
        // The organisation picker an integrator shows after login: keep it for the summary.
        if (item.startsWith('dinero.organizations.fields-casing · 2.') && exchange.code === 200)
          organisations = exchange.text
      },
      onItem: (item, failures) => {
        const id = newman.checkIdOf(item)
        const list = failuresByCheck.get(id) ?? []
        list.push(...failures)
        failuresByCheck.set(id, list)
        const stepNo = Number(/ · (\d+)\./.exec(item)?.[1])
        if (lastStep.get(id) === stepNo) {
          done++
          const ok = list.length === 0
          const first = ok ? '' : `  — ${secrets.redact(list[0] ?? '')}`
          console.log(`${ok ? '✓' : '✗'} [${String(done).padStart(2)}/${checks.length}] ${id}${first}`)
        }
      },
    })
    let exitCode = 0
    if (result.setupFailures.length > 0) {
      console.error(`setup failed: ${secrets.redact(result.setupFailures.join('; '))}`)
      exitCode = 1
    }
    const rows = outcomesFromNewman(checks, result.summary, result.verdicts)
    const code = await finishReports(rows, input, secrets, {
      target: `served mock (${served.origin}), Newman`,
      runner: 'newman',
      started: runStarted,
      junit: join(reports, 'junit-newman.xml'),
      allureResults: newmanResults,
    })
    printOrganisations(organisations)
    console.log(
      `\nreports: ${join(reports, 'summary.md')}, ${join(reports, 'junit-newman.xml')}${input.allure ? `, ${join(reports, 'allure-report', 'index.html')}` : ''}`,
    )
    printTotals(rows, started)
    return Math.max(exitCode, code)
  } finally {
    await served.close()
  }
}

/** The same checks through the harness's own engine (what specs/checks/catalogue.spec.ts runs). */
async function runEngine(input: MockRunInput, { secrets }: Context): Promise<number> {
  const [{ startTarget }, { startCatalogueSession }, options, { outcomeFromEngine }, { addExchange }] =
    await Promise.all([
      import('../targets/targets.ts'),
      import('../engine/catalogue-runner.ts'),
      import('../../mocks/options.ts'),
      import('../reports/outcomes.ts'),
      import('../reports/secrets.ts'),
    ])
  const started = performance.now()
  mkdirSync(input.reports, { recursive: true })
  secrets.add(options.DEFAULT_CLIENT_SECRET)
  secrets.add(options.ENCODING_CLIENT_SECRET)
  const target = await startTarget('served', { deviations: input.deviations ?? [] })
  console.log(
    `dinero-conformance: served mock on ${target.connect}; running ${input.checks.length} checks through the engine\n`,
  )
  try {
    let sends: EngineSend[] = []
    const session = await startCatalogueSession(target, {
      onSend: (request, reply, ms) => {
        sends.push({ request, ...(reply ? { reply } : {}), ms })
        if (reply)
          addExchange(secrets, {
            code: reply.status,
            text: reply.text,
            headers: Object.fromEntries(reply.headers),
            requestHeaders: Object.fromEntries(
              Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]),
            ),
            requestBody: request.body ?? '',
          })
      },
    })
    const rows: SummaryRow[] = []
    for (const [i, check] of input.checks.entries()) {
      sends = []
      const result = await session.run(check)
      const outcome = outcomeFromEngine(check, result, sends)
      const failures = outcome.failures
      rows.push(outcome)
      const first = result.passed ? '' : `  — ${secrets.redact(failures[0] ?? '')}`
      console.log(
        `${result.passed ? '✓' : '✗'} [${String(i + 1).padStart(2)}/${input.checks.length}] ${check.id}${first}`,
      )
    }
    const code = await finishReports(rows, { ...input, allure: false }, secrets, {
      target: `served mock (${target.connect}), engine`,
      runner: 'engine',
      started: Date.now(),
    })
    console.log(`\nreports: ${join(input.reports, 'summary.md')}`)
    printTotals(rows, started)
    return code
  } finally {
    await target.close()
  }
}

interface ReportMeta {
  target: string
  runner: string
  started: number
  /** Where the JUnit file goes (one testcase per check); none when absent. */
  junit?: string
  /** Where the Allure results go (one test per check); none when absent. */
  allureResults?: string
}

/**
 * summary.md, JUnit and the Allure results written from the check outcomes, the Allure HTML,
 * then redaction and the leak scan over every report the run wrote (those four and nothing else
 * in the folder); 1 on any failure.
 */
async function finishReports(
  rows: readonly SummaryRow[],
  input: MockRunInput,
  secrets: SecretSet,
  meta: ReportMeta,
): Promise<number> {
  const [
    { summaryMarkdown, summaryTable },
    { redactFiles },
    { generateAllure },
    { junitXml },
    { writeAllureResults },
    { scanReports },
  ] = await Promise.all([
    import('../reports/summary.ts'),
    import('../reports/secrets.ts'),
    import('../reports/allure.ts'),
    import('../reports/junit.ts'),
    import('../reports/allure-results.ts'),
    import('../reports/scan.ts'),
  ])
  const { reports } = input
  writeOutputFile(join(reports, 'summary.md'), secrets.redact(summaryMarkdown(rows, { target: meta.target })))
  if (meta.junit !== undefined)
    writeOutputFile(
      meta.junit,
      secrets.redact(junitXml(rows, { name: `Dinero conformance: ${meta.target}` })),
    )
  if (meta.allureResults !== undefined)
    writeAllureResults(meta.allureResults, rows, {
      target: 'mock',
      runner: meta.runner,
      started: meta.started,
      secrets,
    })
  // Redact every report before the HTML is rendered: the HTML embeds the results base64-encoded,
  // and a text redaction over it afterwards would cut through that encoding and break the page.
  const html = join(reports, 'allure-report')
  removeDir(html)
  // Only what this run wrote: a `.env` in `--reports .` (even one edited while the run went on),
  // or the reports `npm test` left in reports/, is neither rewritten nor a leak.
  const outputs = [join(reports, 'summary.md'), meta.junit, meta.allureResults, html].filter(
    (path): path is string => path !== undefined,
  )
  for (const output of outputs) redactFiles(output, secrets)
  if (input.allure && meta.allureResults !== undefined) {
    const allure = generateAllure({
      resultsDirs: [meta.allureResults],
      output: html,
      name: 'Dinero conformance',
    })
    console.log(`\n${allure.message}`)
  }
  // Then prove it: any known secret left in any file, the HTML included, fails the run.
  console.log(`\n${summaryTable(rows)}`)
  const leaks = outputs.flatMap((output) => scanReports(output, secrets))
  if (leaks.length > 0) {
    console.error(`error [HARNESS_SECRET_LEAK]: a secret is still present in ${leaks.join(', ')}`)
    return 1
  }
  return rows.every((r) => r.passed) ? 0 : 1
}

function printTotals(rows: readonly SummaryRow[], started: number): void {
  const failed = rows.filter((r) => !r.passed).length
  const ms = Math.round(performance.now() - started)
  console.log(`${rows.length - failed} passed, ${failed} failed (${ms} ms)`)
}

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
