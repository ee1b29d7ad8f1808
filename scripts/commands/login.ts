/**
 * `dinero-conformance login`: obtains the grant the live checks use (docs/LIVE.md):
 * 1. builds and prints the authorize link (state, nonce, PKCE S256, response_mode=form_post),
 *    probes it once without a session — an IdP error page means the redirect_uri (or
 *    client/scopes) is not registered exactly — and opens a browser where a display exists;
 * 2. waits on the loopback redirect_uri; a wrong or missing state is refused there and its code
 *    is never used;
 * 3. runs the live-interactive checks around the real exchange, in the only safe order: a JSON
 *    token request with the real code (must be refused without burning the code), the form
 *    exchange, then a replay of the code (must be invalid_grant; a code replay does not revoke
 *    the tokens at Visma);
 * 4. stores the tokens atomically (0600, lock held), lists the organisations and saves the default.
 */
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline/promises'
import { findCheck } from '../../collections/catalogue/index.ts'
import { checkSchemas } from '../../collections/model/schemas.ts'
import { type Context, defineCommand } from '../cli/command.ts'
import { exitOnSignals } from '../cli/exit.ts'
import { runCheck, type Send } from '../engine/run.ts'
import type { Environment } from '../env.ts'
import { HarnessError } from '../errors.ts'
import { listenForCallback } from '../live/callback-server.ts'
import { hasDisplay, type LiveConfig, liveVariables, loadConfig } from '../live/config.ts'
import { installConsoleRedaction } from '../live/secrets.ts'
import { type TokenAnswer, TokenStore } from '../live/token-store.ts'
import { CONNECTION_FLAGS, configFlags } from './live.ts'

export const command = defineCommand({
  name: 'login',
  summary: 'Log in to Visma Connect once in a browser and store the grant the live checks use',
  flags: {
    ...CONNECTION_FLAGS,
    'no-open': { type: 'boolean', description: 'print the authorize link without opening a browser' },
    timeout: {
      type: 'number',
      value: '<s>',
      default: 300,
      min: 1,
      max: 86_400,
      description: 'how long to wait for the answer on the redirect_uri, seconds',
    },
  },
  notes: ['Configuration (DINERO_CLIENT_ID, DINERO_CLIENT_SECRET, DINERO_REDIRECT_URI, …): docs/LIVE.md'],
  run: (values, context) =>
    login({ config: configFlags(values), open: !values['no-open'], timeoutSeconds: values.timeout }, context),
})

interface Organisation {
  Id: number | string
  Name: string
  IsPro: boolean
}

const b64url = (bytes: Buffer) => bytes.toString('base64url')
/** The catalogue's live-interactive check that needs the fresh code (collections/catalogue/). */
const EXCHANGE_CHECK = 'connect.code.exchange-safe-order'

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
      `the authorize request ends on the Visma Connect error page (${next.origin}${next.pathname}): the redirect_uri ${config.redirectUri} must match a redirect URI registered in the Visma Connect app settings exactly (scheme, host, port and path); also check DINERO_CLIENT_ID and that the app may request ${config.scopes}`,
    )
}

async function chooseOrganisation(
  orgs: Organisation[],
  wanted: string | undefined,
): Promise<string | undefined> {
  if (wanted !== undefined) {
    if (!orgs.some((o) => String(o.Id) === wanted))
      console.log(`warning: organisation ${wanted} is not among those this login can see`)
    return wanted
  }
  const firstPro = orgs.find((o) => o.IsPro) ?? orgs[0]
  if (!process.stdin.isTTY || orgs.length <= 1)
    return firstPro === undefined ? undefined : String(firstPro.Id)
  const rl = createInterface({ input: process.stdin, output: process.stdout })
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
  timeoutSeconds: number
}

export async function login(input: LoginInput, { env, secrets }: Context): Promise<number> {
  exitOnSignals()
  installConsoleRedaction(secrets)
  const config = loadConfig(input.config, { env, require: ['clientId', 'clientSecret'] })
  secrets.add(config.clientSecret)
  secrets.addBasic(config.clientId, config.clientSecret)
  const timeout = input.timeoutSeconds

  const state = b64url(randomBytes(24))
  const nonce = b64url(randomBytes(24))
  const verifier = b64url(randomBytes(48))
  const challenge = b64url(createHash('sha256').update(verifier).digest())
  secrets.add(verifier)

  const callback = await listenForCallback({
    redirectUri: config.redirectUri,
    state,
    onIgnored: (why) =>
      console.log(`rejected a callback with a ${why} (not started by this login); no token request made`),
  })
  const store = TokenStore.open(config.tokenStore)
  try {
    const link = `${config.connectUrl}/connect/authorize?${new URLSearchParams({
      client_id: config.clientId,
      redirect_uri: config.redirectUri,
      response_type: 'code',
      response_mode: 'form_post',
      scope: config.scopes,
      state,
      nonce,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    })}`
    console.log('Open this link in a browser and sign in to Visma Connect:')
    console.log(`  ${link}`)
    await probeAuthorize(link, config)
    console.log(`Waiting for the answer on ${config.redirectUri} (up to ${timeout} s)…`)
    if (input.open) openBrowser(link, env)

    let timer: NodeJS.Timeout | undefined
    const { code, iss } = await Promise.race([
      callback.result,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new HarnessError(
                'HARNESS_LOGIN_TIMEOUT',
                `no answer on ${config.redirectUri} within ${timeout} s`,
              ),
            ),
          timeout * 1000,
        )
      }),
    ]).finally(() => clearTimeout(timer))
    await callback.close()
    secrets.add(code)
    if (iss !== undefined && iss !== config.connectUrl)
      throw new HarnessError(
        'HARNESS_ISSUER_MISMATCH',
        `the answer names issuer ${iss}, not ${config.connectUrl} (RFC 9207): not exchanging the code`,
      )

    // The catalogue's live-interactive check, in its safe order: a JSON body first (refused
    // before the code is read, so the code survives), the real form exchange, then
    // a replay of the code (invalid_grant; the tokens already issued stay valid).
    // The grant is stored the moment the form exchange answers, before the replay is sent.
    const check = findCheck(EXCHANGE_CHECK)
    let answer: (TokenAnswer & { refresh_token?: string }) | undefined
    const send: Send = async (req) => {
      const res = await fetch(req.url, {
        method: req.method,
        headers: { ...req.headers, accept: 'application/json' },
        ...(req.body === undefined ? {} : { body: req.body }),
        redirect: 'manual',
        signal: AbortSignal.timeout(30_000),
      })
      const text = await res.text()
      let json: Record<string, unknown> | undefined
      try {
        json = JSON.parse(text) as Record<string, unknown>
      } catch {}
      secrets.addTokenResponse(json)
      if (res.status === 200 && answer === undefined && typeof json?.access_token === 'string') {
        answer = json as TokenAnswer
        if (typeof answer.refresh_token === 'string') {
          store.saveNew({
            issuer: config.connectUrl,
            clientId: config.clientId,
            answer: answer as TokenAnswer & { refresh_token: string },
            lifetimeDays: config.refreshLifetimeDays,
          })
        }
      }
      return { status: res.status, headers: res.headers, text }
    }
    const result = await runCheck(
      check,
      { ...liveVariables(config, ''), code, codeVerifier: verifier },
      send,
      checkSchemas,
      'live',
    )
    console.log(`${result.passed ? '✓' : '✗'} ${check.id}: ${check.title}`)
    for (const f of result.failures) console.log(`    ${f.step}: ${f.assertion}: ${secrets.redact(f.detail)}`)
    if (answer === undefined || typeof answer.access_token !== 'string')
      throw new HarnessError(
        'HARNESS_CODE_EXCHANGE_FAILED',
        'the code exchange failed: check the client secret and redirect_uri, then run dinero-conformance login again',
      )
    if (typeof answer.refresh_token !== 'string')
      throw new HarnessError(
        'HARNESS_NO_REFRESH_TOKEN',
        'no refresh token came back: enable offline access for the Visma Connect app and include offline_access in DINERO_SCOPES',
      )
    console.log(`tokens stored in ${config.tokenStore}`)

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
    const chosen = await chooseOrganisation(list, config.organizationId)
    if (chosen !== undefined) {
      store.setOrganization(chosen)
      console.log(`default organisation: ${chosen}`)
    }
    if (!result.passed) {
      console.error(`${check.id} failed; the grant is stored anyway`)
      return 1
    }
    return 0
  } finally {
    await callback.close()
    store.release()
  }
}
