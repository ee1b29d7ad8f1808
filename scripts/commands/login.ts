/**
 * `dinero-conformance login`: one sign-in at Visma Connect, many codes (docs/LIVE.md):
 * 1. builds and prints the authorize link (state, nonce, PKCE S256, response_mode=form_post),
 *    probes it once without a session — an IdP error page means the redirect_uri (or
 *    client/scopes) is not registered exactly — and opens a browser where a display exists;
 * 2. the loopback redirect_uri holds the browser after each answer and sends it straight back to
 *    /connect/authorize with prompt=none and fresh state, nonce and PKCE values: IdentityServer
 *    issues codes silently to a signed-in user who has consented (oidc-core §3.1.2.1), so the
 *    catalogue's pooled checks each get a code of their own without another click. A wrong or
 *    missing state is refused there and its code is never used;
 * 3. runs the pooled checks through Newman, each with its code and the values it was requested
 *    with as environment values, inside the codes' 300 s lifetime (duende-client-defaults);
 * 4. runs the checks that replay a refresh token on throw-away grants (`--no-destructive` skips
 *    them), and only then takes the grant it stores through one more silent authorize;
 * 5. stores the tokens atomically (0600, lock held), lists the organisations and saves the default,
 *    then runs the pooled checks that need an organisation;
 * 6. with `--slow`, redeems the codes pooled for the code-expiry check once they are `--code-age`
 *    seconds old (301 by default: a code lives 300 s, duende-client-defaults).
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { catalogue } from '../../collections/catalogue/index.ts'
import { type Check, runsInLogin } from '../../collections/model/types.ts'
import { type Context, defineCommand } from '../cli/command.ts'
import { exitOnSignals } from '../cli/exit.ts'
import type { Environment } from '../env.ts'
import { HarnessError, serverText } from '../errors.ts'
import { type CodeBroker, type Received, startCodeBroker } from '../live/callback-server.ts'
import {
  callbackFailures,
  codeRequest,
  exchangeCode,
  expand,
  INTERACTION_ERRORS,
  type PooledRequest,
} from '../live/code-pool.ts'
import { hasDisplay, type LiveConfig, liveVariables, loadConfig } from '../live/config.ts'
import type { SecretSet } from '../live/secrets.ts'
import { installConsoleRedaction } from '../live/secrets.ts'
import { type TokenAnswer, TokenStore } from '../live/token-store.ts'
import { CONNECTION_FLAGS, configFlags, prepareOutputs } from './live.ts'

/** The person's own sign-in answers this check first: its code is asked for with a person present. */
const FIRST_CHECK = 'connect.code.exchange-safe-order'

export const command = defineCommand({
  name: 'login',
  summary: 'Log in to Visma Connect once in a browser and store the grant the live checks use',
  flags: {
    ...CONNECTION_FLAGS,
    'no-open': { type: 'boolean', description: 'print the authorize link without opening a browser' },
    'no-destructive': {
      type: 'boolean',
      description:
        'skip the refresh-replay checks (they run on throw-away grants before the stored one is taken)',
    },
    timeout: {
      type: 'number',
      value: '<s>',
      default: 300,
      min: 1,
      max: 86_400,
      description: 'how long to wait for the answer on the redirect_uri, seconds',
    },
    slow: {
      type: 'boolean',
      description:
        'also run the code-expiry check: a pooled code redeemed once it is older than its 300 s lifetime (about 5 minutes more)',
    },
    'code-age': {
      type: 'number',
      value: '<s>',
      default: 301,
      min: 0,
      max: 3600,
      description:
        'with --slow: how old the pooled code is when it is redeemed, seconds (a code lives 300 s; lower only against a mock whose clock is moved)',
    },
    check: {
      type: 'string',
      value: '<id>',
      multiple: true,
      choices: () => catalogue.filter((c) => runsInLogin(c, true, true)).map((c) => c.id),
      choicesHelp: 'a pooled check id; `dinero-conformance checks` lists them',
      description: `pool codes for only this check (and ${FIRST_CHECK}, which redeems the sign-in's own code)`,
    },
    reports: {
      type: 'string',
      value: '<dir>',
      default: 'reports',
      description: 'where the drift report of the pooled checks goes (drift.md, drift.json)',
    },
  },
  notes: ['Configuration (DINERO_CLIENT_ID, DINERO_CLIENT_SECRET, DINERO_REDIRECT_URI, …): docs/LIVE.md'],
  run: (values, context) =>
    login(
      {
        config: configFlags(values),
        open: !values['no-open'],
        destructive: !values['no-destructive'],
        timeoutSeconds: values.timeout,
        slow: values.slow,
        codeAgeSeconds: values['code-age'],
        reports: values.reports,
        checks: values.check,
      },
      context,
    ),
})

interface Organisation {
  Id: number | string
  Name: string
  IsPro: boolean
}

/** The default authorize request: the one the stored grant comes from. */
const GRANT_REQUEST = { responseMode: 'form_post', pkce: true, nonce: true } as const

function openBrowser(link: string, env: Environment): void {
  if (!hasDisplay(env)) return
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [link]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', link]]
        : ['xdg-open', [link]]
  try {
    const child = spawn(cmd, args as string[], { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
  } catch {}
}

/** One look at the authorize link without a session: Visma sends a bad request to its error page. */
async function probeAuthorize(link: string, config: LiveConfig): Promise<void> {
  let res: Response
  try {
    res = await fetch(link, { redirect: 'manual', signal: AbortSignal.timeout(30_000) })
    await res.body?.cancel()
  } catch (e) {
    throw new HarnessError(
      'HARNESS_CONNECT_UNREACHABLE',
      `cannot reach ${config.connectUrl}: ${(e as Error).message}`,
    )
  }
  const location = res.headers.get('location')
  if (location === null) return
  const next = new URL(location, link)
  if (/\/home\/error$|\/error$/i.test(next.pathname))
    throw new HarnessError(
      'HARNESS_REDIRECT_URI_UNREGISTERED',
      `the authorize request ends on the Visma Connect error page (${next.origin}${next.pathname}): the redirect_uri ${config.redirectUri} must match a redirect URI registered in the Visma Connect app settings exactly (scheme, host, port and path); also check DINERO_CLIENT_ID and that the app may request ${new URL(link).searchParams.get('scope')} (the pooled checks add openid)`,
    )
}

async function chooseOrganisation(
  orgs: Organisation[],
  wanted: string | undefined,
  stdin: Context['stdin'],
): Promise<string | undefined> {
  if (wanted !== undefined) {
    if (!orgs.some((o) => String(o.Id) === wanted))
      console.log(`warning: organisation ${wanted} is not among those this login can see`)
    return wanted
  }
  const firstPro = orgs.find((o) => o.IsPro) ?? orgs[0]
  if (!stdin.isTTY || orgs.length <= 1) return firstPro === undefined ? undefined : String(firstPro.Id)
  const rl = createInterface({ input: stdin, output: process.stdout })
  try {
    const fallback = orgs.indexOf(firstPro!) + 1
    const answer = await rl.question(`Default organisation [1-${orgs.length}, Enter = ${fallback}]: `)
    const n = answer.trim() === '' ? fallback : Number(answer)
    const pick = orgs[n - 1]
    if (pick === undefined) throw new HarnessError('HARNESS_USAGE', `no organisation number ${answer}`)
    return String(pick.Id)
  } finally {
    rl.close()
  }
}

export interface LoginInput {
  config: ReturnType<typeof configFlags>
  open: boolean
  /** Run the refresh-replay checks on throw-away grants before the stored grant is taken. */
  destructive: boolean
  timeoutSeconds: number
  /** Run the checks that redeem a pooled code once it is `codeAgeSeconds` old (duende-client-defaults: 300 s). */
  slow: boolean
  codeAgeSeconds: number
  /** How the code ages (default: real time); a spec passes one that moves a mock's clock instead. */
  wait?: (ms: number) => Promise<void>
  /** Where the pooled checks' drift report goes; none written when undefined (in-process callers). */
  reports?: string
  /** Pool codes for only these checks (and FIRST_CHECK); every pooled check when empty or absent. */
  checks?: readonly string[]
}

interface PooledCode {
  check: Check
  request: PooledRequest
  received: Received
}

interface Outcome {
  check: Check
  passed: boolean
  failures: string[]
}

const seconds = (ms: number) => (ms / 1000).toFixed(1)

function refusal(received: Received, why: string): HarnessError | undefined {
  const { error, error_description: description, code } = received.fields
  if (error === undefined && code !== undefined) return undefined
  return new HarnessError(
    'HARNESS_AUTHORIZE_FAILED',
    `the authorisation ${why} ended with ${error === undefined ? 'no code' : serverText(error)}${description ? ` (${serverText(description)})` : ''}${error === 'access_denied' ? ': consent was refused' : ''}${error !== undefined && INTERACTION_ERRORS.has(error) ? ': Visma Connect wants the person to sign in again; run dinero-conformance login once more' : ''}`,
  )
}

/**
 * A code without a click: the held browser goes back to /connect/authorize with prompt=none.
 * When Visma Connect answers that a person must act (login_required, consent_required,
 * interaction_required; oidc-core §3.1.2.6), the person is asked once more in the same browser
 * window — once per login — and the answer is waited for as long as the first sign-in.
 */
async function silentCode(
  broker: CodeBroker,
  config: LiveConfig,
  secrets: SecretSet,
  pool: NonNullable<Check['pool']>,
  why: string,
  fallback: { used: boolean; timeoutMs: number },
): Promise<{ request: PooledRequest; received: Received }> {
  let request = codeRequest(config, pool, 'none', secrets)
  let received = await broker.next(request.url, request.values.state!, 60_000)
  const error = received.fields.error
  if (error !== undefined && INTERACTION_ERRORS.has(error) && !fallback.used) {
    fallback.used = true
    console.log(
      `the silent authorize ${why} answered ${error}: Visma Connect wants the person again. Sign in (and consent) once more in the browser window (up to ${seconds(fallback.timeoutMs)} s)…`,
    )
    request = codeRequest(config, pool, undefined, secrets)
    received = await broker.next(request.url, request.values.state!, fallback.timeoutMs)
  }
  const refused = refusal(received, why)
  if (refused) throw refused
  secrets.add(received.fields.code)
  return { request, received }
}

export async function login(
  input: LoginInput,
  { env, secrets, stdin, ownsProcess, signal }: Context,
): Promise<number> {
  // A check named with --check that needs --slow would be skipped without a word after the person
  // signed in; refused before anything starts. (--no-destructive leaving out a revoking check is
  // what that flag asks for.)
  for (const id of input.checks ?? []) {
    const check = catalogue.find((c) => c.id === id)
    if (check?.needs.includes('slow') && !input.slow)
      throw new HarnessError('HARNESS_USAGE', `--check ${id} redeems a code once it is old: add --slow`)
  }
  if (ownsProcess) {
    exitOnSignals()
    installConsoleRedaction(secrets)
  }
  const config = loadConfig(input.config, { env, require: ['clientId', 'clientSecret'] })
  secrets.add(config.clientSecret)
  secrets.addBasic(config.clientId, config.clientSecret)
  const timeoutMs = input.timeoutSeconds * 1000

  const only = new Set(input.checks ?? [])
  const pooled = catalogue.filter(
    (c) =>
      runsInLogin(c, input.destructive, input.slow) &&
      (only.size === 0 || only.has(c.id) || c.id === FIRST_CHECK),
  )
  const first = pooled.find((c) => c.id === FIRST_CHECK)
  const destructive = pooled.filter((c) => c.needs.includes('revokes-all-access'))
  const needOrganisation = pooled.filter((c) => c.needs.includes('organisation') && !destructive.includes(c))
  const aged = pooled.filter((c) => c.needs.includes('slow'))
  const codeChecks = pooled.filter(
    (c) => c !== first && !destructive.includes(c) && !needOrganisation.includes(c) && !aged.includes(c),
  )

  // Checked before the store is opened and before anyone signs in: a wrong path found after the
  // pool ran would waste the person's sign-in.
  const reportsDir =
    input.reports === undefined
      ? undefined
      : prepareOutputs(input.reports, undefined, config.tokenStore, config.envFile).reportsDir
  const broker = await startCodeBroker({
    redirectUri: config.redirectUri,
    onIgnored: (why) =>
      console.log(`rejected a callback with a ${why} (not started by this login); no token request made`),
  })
  // A store another run holds: the listener closes before the error ends the command (in-process
  // it would otherwise keep the redirect_uri's port).
  let store: TokenStore
  try {
    store = TokenStore.open(config.tokenStore)
  } catch (e) {
    await broker.close()
    throw e
  }
  // Stopped by the program running it (Context.signal): the broker's waits fail at once with
  // HARNESS_LOGIN_STOPPED, `halt` stops it before each next request it would start, and the
  // finally below closes the listener and releases the store.
  const stop = () => void broker.close()
  signal?.addEventListener('abort', stop, { once: true })
  if (signal?.aborted) stop()
  const halt = (where: string) => {
    if (signal?.aborted) throw new HarnessError('HARNESS_LOGIN_STOPPED', `stopped ${where}`)
  }
  const fallback = { used: false, timeoutMs }
  const silent = (pool: NonNullable<Check['pool']>, why: string) =>
    silentCode(broker, config, secrets, pool, why, fallback)
  try {
    // The sign-in asks for every scope the pool will ask for, so the consent given once covers
    // each silent request (IdentityServer answers consent_required for a scope not consented to).
    const scopes = new Set(config.scopes.split(' '))
    for (const c of pooled)
      for (const s of expand(c.pool?.scope ?? '{{scopes}}', { scopes: config.scopes }).split(' '))
        scopes.add(s)
    const firstRequest = codeRequest(
      config,
      { ...(first?.pool ?? GRANT_REQUEST), scope: [...scopes].join(' ') },
      undefined,
      secrets,
    )
    // Listening for this state before the link is shown: an answer can come back at once.
    const firstAnswer = broker.answer(firstRequest.values.state!, timeoutMs)
    firstAnswer.catch(() => {})
    console.log('Open this link in a browser and sign in to Visma Connect:')
    console.log(`  ${firstRequest.url}`)
    halt('before the authorize request was probed')
    await probeAuthorize(firstRequest.url, config)
    console.log(`Waiting for the answer on ${config.redirectUri} (up to ${input.timeoutSeconds} s)…`)
    halt('before the browser was opened')
    if (input.open) openBrowser(firstRequest.url, env)
    const received = await firstAnswer
    const firstAt = Date.now()
    const refused = refusal(received, 'at sign-in')
    if (refused) throw refused
    secrets.add(received.fields.code)
    const iss = received.fields.iss
    if (iss !== undefined && iss !== config.connectUrl)
      throw new HarnessError(
        'HARNESS_ISSUER_MISMATCH',
        `the answer names issuer ${iss}, not ${config.connectUrl} (RFC 9207): not exchanging the code`,
      )

    // The pool: one code per check, each asked for silently in the signed-in browser session.
    const codes: PooledCode[] = first ? [{ check: first, request: firstRequest, received }] : []
    for (const check of codeChecks) codes.push({ check, ...(await silent(check.pool!, `for ${check.id}`)) })
    // --slow: these codes are asked for with the others and age while the rest of login runs.
    const agedCodes: (PooledCode & { at: number })[] = []
    for (const check of aged)
      agedCodes.push({ check, ...(await silent(check.pool!, `for ${check.id}`)), at: Date.now() })
    console.log(
      `pooled ${codes.length + agedCodes.length} code(s) from one sign-in in ${seconds(Date.now() - firstAt)} s`,
    )

    // Loaded only now: Newman is heavy, and the guards above must answer fast.
    const [{ runPooledNewman }, { buildCollection }, drift] = await Promise.all([
      import('../live/newman-live.ts'),
      import('../../collections/build.ts'),
      import('../live/drift/index.ts'),
    ])
    const recorder = new drift.ShapeRecorder(config)
    const collection = buildCollection()
    const outcomes: Outcome[] = []
    const run = async ({ check, request, received: answer }: PooledCode, organizationId: string) => {
      halt(`before the pooled check ${check.id}`)
      const values = { ...request.values, code: answer.fields.code! }
      // The sign-in's code was asked with every pooled scope: the mock's replay asks the same (drift).
      if (request === firstRequest) recorder.seed(check.id, { scopes: request.values.requestedScope })
      const failures = callbackFailures(check, request.responseMode, answer, {
        ...values,
        connectUrl: config.connectUrl,
        redirectUri: config.redirectUri,
      })
      const environment: Record<string, string> = {
        ...liveVariables(config, organizationId),
        // Live there is one client: it plays the mock's PKCE and refresh clients too.
        pkceClientId: config.clientId,
        refreshClientId: config.clientId,
        ...values,
        ...Object.fromEntries(Object.entries(answer.fields).map(([k, v]) => [`callback_${k}`, v])),
        pooled: '1',
      }
      let collectionVariables: Record<string, string> | undefined
      const into = check.pool?.grantInto
      if (into !== undefined) {
        // A throw-away grant: this code is exchanged for this check alone.
        const tokens = await exchangeCode(config, values.code, values, secrets)
        environment[into] = tokens.refresh_token ?? ''
        if (into === 'refreshToken') {
          environment.accessToken = tokens.access_token
          collectionVariables = { refreshToken: environment[into]!, accessToken: tokens.access_token }
        }
      }
      // Checked again once the throw-away grant is in hand: the check it feeds may replay a
      // refresh token, which revokes all access of the client and user.
      halt(`before the pooled check ${check.id} ran on its grant`)
      const verdict = await runPooledNewman({
        collection,
        environment,
        ...(collectionVariables ? { collectionVariables } : {}),
        checkId: check.id,
        secrets,
        onResponse: recorder.onResponse,
      })
      const outcome = {
        check,
        passed: verdict.passed && failures.length === 0,
        failures: [...failures, ...verdict.failures],
      }
      outcomes.push(outcome)
      console.log(`${outcome.passed ? '✓' : '✗'} ${check.id}: ${check.title}`)
      for (const f of outcome.failures) console.log(`    ${secrets.redact(f)}`)
    }
    for (const code of codes) await run(code, config.organizationId ?? '')
    console.log(
      `the pooled checks used their codes within ${seconds(Date.now() - firstAt)} s of the first (a code lives 300 s)`,
    )

    // Replays revoke "all access for the client/user" at Visma (visma-connect-tokens), which
    // includes any grant issued before the replay: so these run on throw-away grants first,
    // each code asked for after the previous replay, and the grant login stores is taken only
    // afterwards, by one more silent authorize in the same browser session.
    for (const check of destructive) {
      await run({ check, ...(await silent(check.pool!, `for ${check.id}`)) }, '')
      // Its replay revoked every grant of the client and user, the one stored before too: a run
      // that stops before storing the new one must not leave that one looking usable.
      if (store.exists()) store.markRevoked()
    }

    const why = destructive.length > 0 ? 'after the refresh-token replay' : 'for the grant to store'
    const grantCode = await silent(GRANT_REQUEST, why).catch((e: unknown) => {
      if (destructive.length > 0 && e instanceof HarnessError)
        throw new HarnessError(
          e.code,
          `the silent authorize after the refresh-token replay failed, so no grant is stored: ${e.message}. Run dinero-conformance login once more and sign in (add --no-destructive to keep the replay checks out)`,
        )
      throw e
    })
    halt('before the code of the grant to store was exchanged')
    // From here the grant is stored even when stopped: it exists at the provider once exchanged.
    const answer = await exchangeCode(
      config,
      grantCode.received.fields.code!,
      grantCode.request.values,
      secrets,
    )
    if (typeof answer.refresh_token !== 'string')
      throw new HarnessError(
        'HARNESS_NO_REFRESH_TOKEN',
        'no refresh token came back: enable offline access for the Visma Connect app and include offline_access in DINERO_SCOPES',
      )
    store.saveNew({
      issuer: config.connectUrl,
      clientId: config.clientId,
      answer: answer as TokenAnswer & { refresh_token: string },
      lifetimeDays: config.refreshLifetimeDays,
    })
    console.log(`tokens stored in ${config.tokenStore}`)
    halt('after the grant was stored, before the organisations were listed')

    const orgs = await fetch(`${config.apiUrl}/v1/organizations?fields=Name,Id,IsPro`, {
      headers: { authorization: `Bearer ${answer.access_token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    })
    if (orgs.status !== 200) {
      await orgs.body?.cancel()
      throw new HarnessError(
        'HARNESS_ORGANIZATIONS_FAILED',
        `GET /v1/organizations answered ${orgs.status}: the tokens are stored, but the Dinero API refused them (scopes?)`,
      )
    }
    const list = (await orgs.json()) as Organisation[]
    console.log('Organisations:')
    list.forEach((o, i) => {
      console.log(`  ${i + 1}. ${o.Id}  ${o.Name}${o.IsPro ? '  (Pro)' : '  (not Pro: the API refuses it)'}`)
    })
    const chosen = await chooseOrganisation(list, config.organizationId, stdin)
    if (chosen !== undefined) {
      store.setOrganization(chosen)
      console.log(`default organisation: ${chosen}`)
      for (const check of needOrganisation)
        await run({ check, ...(await silent(check.pool!, `for ${check.id}`)) }, chosen)
    }
    broker.finish('Login received', 'You can close this tab and return to the terminal.')
    for (const code of agedCodes) {
      const wait = code.at + input.codeAgeSeconds * 1000 - Date.now()
      if (wait > 0) {
        console.log(
          `waiting ${seconds(wait)} s until the pooled code of ${code.check.id} is ${input.codeAgeSeconds} s old (a code lives 300 s)…`,
        )
        await (input.wait ?? ((ms: number) => sleep(ms, undefined, { signal }).catch(() => {})))(wait)
        halt('while the --slow codes aged')
      }
      await run(code, chosen ?? '')
    }
    console.log(drift.keepLoginShapes(config.tokenStore, recorder.steps, secrets))
    if (reportsDir !== undefined) {
      console.log(await drift.reportDrift({ dir: reportsDir, recorded: recorder.steps, secrets }))
      const { assertReportsClean } = await import('../reports/scan.ts')
      assertReportsClean(reportsDir, secrets, [config.tokenStore, config.envFile])
    }

    const failed = outcomes.filter((o) => !o.passed)
    console.log(`${outcomes.length - failed.length} of ${outcomes.length} pooled check(s) passed`)
    if (failed.length > 0) {
      console.error(`${failed.map((o) => o.check.id).join(', ')} failed; the grant is stored anyway`)
      return 1
    }
    return 0
  } finally {
    signal?.removeEventListener('abort', stop)
    await broker.close()
    store.release()
  }
}
