/**
 * `dinero-conformance live`: runs the catalogue's live checks with Newman against the real
 * services (or the served mock) using the grant `dinero-conformance login` stored (docs/LIVE.md):
 * - the token store is locked for the whole run and refreshed once through the refresher first
 *   (which also settles a refresh a previous run left in flight);
 * - every rotation Newman performs is persisted the moment it arrives (scripts/live/newman-live.ts
 *   explains the hooks and why they are safe);
 * - `live-safe` checks only, minus checks that write to the Dinero API unless `--allow-writes`
 *   and the organisation is listed in DINERO_TEST_ORGANIZATIONS; `--destructive` adds the
 *   `live-destructive` checks after a typed confirmation of what it costs;
 * - reports (scripts/reports/live-reports.ts), each from the check outcomes and redacted as it is
 *   written: <reports>/junit-live.xml (a testcase per check), live-summary.md, Allure results and
 *   their HTML (allure-report-live/index.html); the run ends by scanning every file under the
 *   reports directory for every known secret (HARNESS_SECRET_LEAK, exit 1);
 * - drift (scripts/live/drift/): the shape of every answer against the in-process mock's answer
 *   to the same step, in drift.md and drift.json; `--record` keeps the shapes as a fixture.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { catalogue } from '../../collections/catalogue/index.ts'
import {
  AREAS,
  type Area,
  type Check,
  LIVE_PROVIDES,
  type Need,
  runsInLive,
} from '../../collections/model/types.ts'
import { type Context, defineCommand } from '../cli/command.ts'
import { exitOnSignals } from '../cli/exit.ts'
import { ensureWritableDir, sameFile } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'
import { type ConfigFlags, liveVariables, loadConfig } from '../live/config.ts'
import { refreshStored } from '../live/refresher.ts'
import { installConsoleRedaction } from '../live/secrets.ts'
import { missingStore, TokenStore } from '../live/token-store.ts'

/** Everything `live` can have with its flags: the checks it may be asked for (collections/model/types.ts NEEDS). */
const LIVE_CAN_HAVE: readonly Need[] = [...LIVE_PROVIDES, 'write-test-organisation', 'revokes-all-access']

/** Flags `live` shares with `login`: config overrides that win over the environment. */
export const CONNECTION_FLAGS = {
  'connect-url': {
    type: 'string',
    value: '<url>',
    description: 'Visma Connect origin (default DINERO_CONNECT_URL or https://connect.visma.com)',
  },
  'api-url': {
    type: 'string',
    value: '<url>',
    description: 'Dinero API origin (default DINERO_API_URL or https://api.dinero.dk)',
  },
  organization: {
    type: 'string',
    value: '<id>',
    description: 'organisation id (default DINERO_ORGANIZATION_ID or the one login saved)',
  },
} as const

export function configFlags(values: {
  'connect-url'?: string | undefined
  'api-url'?: string | undefined
  organization?: string | undefined
}): ConfigFlags {
  return {
    ...(values['connect-url'] === undefined ? {} : { connectUrl: values['connect-url'] }),
    ...(values['api-url'] === undefined ? {} : { apiUrl: values['api-url'] }),
    ...(values.organization === undefined ? {} : { organizationId: values.organization }),
  }
}

export const command = defineCommand({
  name: 'live',
  summary: 'Run the live-safe checks through Newman against Visma Connect and Dinero with the stored grant',
  flags: {
    ...CONNECTION_FLAGS,
    'allow-writes': {
      type: 'boolean',
      description: 'also run checks that write (the organisation must be in DINERO_TEST_ORGANIZATIONS)',
    },
    destructive: {
      type: 'boolean',
      description: 'add the live-destructive checks (asks for a typed confirmation: they revoke the grant)',
    },
    check: {
      type: 'string',
      value: '<id>',
      multiple: true,
      choices: () => catalogue.filter((c) => runsInLive(c, LIVE_CAN_HAVE)).map((c) => c.id),
      choicesHelp: 'a live-safe or live-destructive check id; `dinero-conformance checks` lists them',
      description: 'run only this check',
    },
    area: {
      type: 'string',
      value: '<area>',
      multiple: true,
      choices: AREAS,
      description: 'run only the checks of this area',
    },
    reports: {
      type: 'string',
      value: '<dir>',
      default: 'reports',
      description: 'where junit-live.xml, live-summary.md and the Allure report go',
    },
    'no-allure': {
      type: 'boolean',
      description:
        'skip the Allure HTML report (JUnit, the summary and the Allure results are still written)',
    },
    record: {
      type: 'string',
      value: '<file>',
      description:
        'also write the shapes of the answers (no values, no secrets) to this file: a drift fixture',
    },
  },
  notes: ['Configuration (DINERO_CLIENT_ID, DINERO_CLIENT_SECRET, …) and every step: docs/LIVE.md'],
  run: (values, context) =>
    runLive(
      {
        config: configFlags(values),
        allowWrites: values['allow-writes'],
        destructive: values.destructive,
        checks: values.check,
        areas: values.area as Area[],
        reports: values.reports,
        record: values.record,
        allure: !values['no-allure'],
      },
      context,
    ),
})

export interface LiveRunInput {
  config: ConfigFlags
  allowWrites: boolean
  destructive: boolean
  /** Check ids and areas to run (their union); every eligible check when both are empty. */
  checks: readonly string[]
  areas: readonly Area[]
  reports: string
  /** Where the scrubbed answer shapes go (scripts/live/drift/record.ts); none when absent. */
  record?: string | undefined
  /** Render the Allure HTML report (default true). */
  allure?: boolean
}

export const DESTRUCTIVE_PHRASE = 'revoke all access'

/** A check writes when any step sends something other than GET to the Dinero API. */
function writes(check: Check): boolean {
  return check.steps.some((s) => s.request.method !== 'GET' && s.request.url.startsWith('{{apiUrl}}'))
}

function usesOrganisation(check: Check): boolean {
  return check.steps.some((s) => JSON.stringify(s.request).includes('{{organizationId}}'))
}

function readLine(input: Context['stdin']): Promise<string | undefined> {
  return new Promise((resolveLine) => {
    const rl = createInterface({ input })
    let answered = false
    rl.once('line', (line) => {
      answered = true
      rl.close()
      resolveLine(line)
    })
    rl.once('close', () => {
      if (!answered) resolveLine(undefined)
    })
  })
}

async function confirmDestructive(clientId: string, count: number, stdin: Context['stdin']): Promise<void> {
  console.log(
    `--destructive adds ${count} refresh-replay check(s). When a one-time refresh token is replayed, Visma revokes ALL access for this client and user: every refresh and access token of ${clientId} for this user stops working (any app using that grant breaks too), and you must run dinero-conformance login again.`,
  )
  console.log(`Type "${DESTRUCTIVE_PHRASE}" to continue:`)
  const line = await readLine(stdin)
  if (line?.trim() !== DESTRUCTIVE_PHRASE)
    throw new HarnessError(
      'HARNESS_DESTRUCTIVE_NOT_CONFIRMED',
      'the destructive checks were not confirmed; nothing was run',
    )
}

/** Checks (and makes) the run's output paths; returns them resolved. */
export function prepareOutputs(
  reports: string,
  record: string | undefined,
  tokenStore: string,
  envFile: string,
): { reportsDir: string; recordTo: string | undefined } {
  const reportsDir = resolve(reports)
  ensureWritableDir('--reports', reportsDir)
  if (record === undefined) return { reportsDir, recordTo: undefined }
  const recordTo = resolve(record)
  // The recording would replace the grant the run had just rotated (the only copy of the new
  // refresh token), through the path itself or a link to it.
  for (const [home, what] of [
    [tokenStore, 'the token store'],
    [envFile, 'the .env the settings come from'],
  ] as const)
    if (sameFile(recordTo, resolve(home)))
      throw new HarnessError('HARNESS_CONFIG_INVALID', `--record ${record}: that is ${what}`)
  if (existsSync(recordTo) && !statSync(recordTo).isFile())
    throw new HarnessError('HARNESS_USAGE', `--record ${record}: exists and is not a regular file`)
  ensureWritableDir('--record', dirname(recordTo))
  if (existsSync(recordTo)) {
    try {
      accessSync(recordTo, constants.W_OK)
    } catch {
      throw new HarnessError('HARNESS_CONFIG_INVALID', `--record ${record}: the file is not writable`)
    }
  }
  return { reportsDir, recordTo }
}

export async function runLive(
  input: LiveRunInput,
  { env, secrets, stdin, ownsProcess }: Context,
): Promise<number> {
  if (ownsProcess) {
    exitOnSignals()
    installConsoleRedaction(secrets)
  }
  const config = loadConfig(input.config, { env, require: ['clientId', 'clientSecret'] })
  secrets.add(config.clientSecret)
  secrets.addBasic(config.clientId, config.clientSecret)
  // A missing store answers before anything is created, the reports folder included.
  if (!existsSync(config.tokenStore)) throw missingStore(config.tokenStore)
  // Output paths answer before the grant is touched.
  const { reportsDir, recordTo } = prepareOutputs(
    input.reports,
    input.record,
    config.tokenStore,
    config.envFile,
  )

  // Decide what runs before touching the grant.
  // What this run has decides what it runs; pooled checks (codes, throw-away grants) are login's.
  const has: Need[] = [...LIVE_PROVIDES, ...(input.allowWrites ? (['write-test-organisation'] as const) : [])]
  const safe = catalogue.filter((c) => c.target !== 'live-destructive' && runsInLive(c, has))
  const destructive = input.destructive
    ? catalogue.filter(
        (c) => c.target === 'live-destructive' && runsInLive(c, [...has, 'revokes-all-access']),
      )
    : []
  const only = new Set(input.checks)
  const areas = new Set(input.areas)
  const eligible = [...safe, ...destructive]
  for (const id of only)
    if (!eligible.some((c) => c.id === id))
      throw new HarnessError(
        'HARNESS_USAGE',
        `--check ${id}: no such live-safe${input.destructive ? ' or live-destructive' : ''} check${input.destructive ? '' : ' (live-destructive checks need --destructive)'}`,
      )
  const all = only.size === 0 && areas.size === 0
  const wanted = eligible.filter((c) => all || only.has(c.id) || areas.has(c.area))
  if (wanted.length === 0)
    throw new HarnessError(
      'HARNESS_USAGE',
      `--area ${[...areas].join(', ')}: no live-safe${input.destructive ? ' or live-destructive' : ''} check in that area${input.destructive ? '' : ' (live-destructive checks need --destructive)'}`,
    )
  const skipped: { check: Check; reason: string }[] = []
  const skip = (check: Check, reason: string) => skipped.push({ check, reason })
  for (const c of wanted) if (!input.allowWrites && writes(c)) skip(c, 'writes; needs --allow-writes')
  if (input.destructive) await confirmDestructive(config.clientId, destructive.length, stdin)

  const store = TokenStore.open(config.tokenStore, { existing: true })
  try {
    // Every token the store holds is a secret of this run from here on, before any of them is
    // sent: a server that echoes one back in an error cannot put it on the terminal.
    const stored = store.load()
    secrets.add(stored.refreshToken, stored.accessToken, stored.inFlight?.token)
    // The write guard answers before the grant is touched.
    const organizationId = config.organizationId ?? stored.organizationId ?? ''
    if (input.allowWrites && !config.testOrganizations.includes(organizationId))
      throw new HarnessError(
        'HARNESS_WRITES_NOT_ALLOWED',
        `--allow-writes needs the organisation (${organizationId || 'none chosen'}) to be listed in DINERO_TEST_ORGANIZATIONS`,
      )
    for (const c of wanted)
      if (organizationId === '' && usesOrganisation(c) && !skipped.some((x) => x.check === c))
        skip(c, 'needs an organisation: run dinero-conformance login, or pass --organization')
    const selected = wanted.filter((c) => !skipped.some((x) => x.check === c))
    // Before the refresh: a run with nothing to run does not rotate the grant either.
    if (selected.length === 0)
      throw new HarnessError(
        'HARNESS_USAGE',
        `every selected check would be skipped, so nothing runs: ${[...new Set(skipped.map((x) => x.reason))].join('; ')}`,
      )
    const grant = await refreshStored(store, {
      connectUrl: config.connectUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      graceSeconds: config.refreshGraceSeconds,
      secrets,
      log: (line) => console.log(line),
    })
    console.log(
      `running ${selected.length} live check(s) against ${config.connectUrl} and ${config.apiUrl} (organisation ${organizationId || 'none'})`,
    )

    // Loaded only now: Newman is heavy, and the guards above must answer fast.
    const [
      { runLiveNewman },
      { buildCollection, ALLOW_REVOKE_ALL, REVOKE_ALL },
      reports,
      { outcomesFromNewman },
      { assertReportsClean },
      drift,
    ] = await Promise.all([
      import('../live/newman-live.ts'),
      import('../../collections/build.ts'),
      import('../reports/live-reports.ts'),
      import('../reports/outcomes.ts'),
      import('../reports/scan.ts'),
      import('../live/drift/index.ts'),
    ])
    const recorder = new drift.ShapeRecorder(config)
    const started = Date.now()
    let leakScanned = false
    try {
      const result = await runLiveNewman({
        collection: buildCollection(),
        // --destructive was confirmed: the collection sends the destructive replay live only then.
        environment: {
          ...liveVariables(config, organizationId),
          ...(destructive.length > 0 ? { [ALLOW_REVOKE_ALL]: REVOKE_ALL } : {}),
        },
        collectionVariables: { refreshToken: grant.refreshToken, accessToken: grant.accessToken ?? '' },
        checks: selected.map((c) => c.id),
        store,
        secrets,
        graceSeconds: config.refreshGraceSeconds,
        allowReplay: destructive.map((c) => c.id),
        onResponse: recorder.onResponse,
      })
      if (destructive.length > 0) store.markRevoked()

      const failed: string[] = []
      for (const check of selected) {
        const v = result.verdicts.get(check.id)
        const verdict = v === undefined ? 'not run' : v.passed ? 'pass' : 'fail'
        if (verdict !== 'pass') failed.push(check.id)
        console.log(`${verdict === 'pass' ? '✓' : '✗'} ${check.id}: ${check.title}`)
        for (const f of v?.failures ?? []) console.log(`    ${secrets.redact(f)}`)
      }
      for (const { check, reason } of skipped) console.log(`- ${check.id}: skipped (${reason})`)
      console.log(`refresh-token rotations saved during the run: ${result.rotations + 1}`)

      const header = [
        `# Live run ${new Date().toISOString()}`,
        '',
        `Connect: ${config.connectUrl} · API: ${config.apiUrl} · client: ${config.clientId} · organisation: ${organizationId || 'none'}`,
        '',
        `Refresh-token rotations saved: ${result.rotations + 1} (each written to the token store the moment it arrived)`,
      ]
      const outcomes = [
        ...outcomesFromNewman(selected, result.summary, result.verdicts),
        ...skipped.map(({ check, reason }) => ({ check, passed: false, failures: [], skipped: reason })),
      ]
      console.log(
        reports.writeLiveReports({
          dir: reportsDir,
          outcomes,
          header,
          secrets,
          started,
          allure: input.allure ?? true,
        }),
      )
      console.log(
        await drift.reportDrift({
          dir: reportsDir,
          recorded: [...drift.loginShapes(config.tokenStore), ...recorder.steps],
          secrets,
          record: recordTo,
        }),
      )

      // The leak canary: the last thing a run does.
      leakScanned = true
      assertReportsClean(reportsDir, secrets, [config.tokenStore, config.envFile])
      if (result.fatal) throw result.fatal
      if (failed.length > 0) {
        console.error(`${failed.length} live check(s) failed: ${failed.join(', ')}`)
        return 1
      }
      return 0
    } finally {
      // Whatever stopped the run after the checks began, what reached the reports is scanned.
      if (!leakScanned) assertReportsClean(reportsDir, secrets, [config.tokenStore, config.envFile])
    }
  } finally {
    store.release()
  }
}
