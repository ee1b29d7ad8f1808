/**
 * `npm run login -- [--connect-url URL] [--api-url URL] [--no-open] [--timeout <s>] [--organization <id>]`
 *
 * Obtains the grant the live checks use (issue 5, DESIGN.md §3; REFERENCE A3, A6, B4, B8):
 * 1. builds and prints the authorize link (state, nonce, PKCE S256, response_mode=form_post),
 *    probes it once without a session — an IdP error page means the redirect_uri (or
 *    client/scopes) is not registered exactly — and opens a browser where a display exists;
 * 2. waits on the loopback redirect_uri; a wrong or missing state is refused there and its code
 *    is never used;
 * 3. runs the live-interactive checks around the real exchange, in the only safe order: a JSON
 *    token request with the real code (must be refused without burning the code, B1), the form
 *    exchange, then a replay of the code (must be invalid_grant; a code replay does not revoke
 *    the tokens, B4);
 * 4. stores the tokens atomically (0600, lock held), lists the organisations and saves the default.
 */
import { spawn } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { HarnessError } from './cli-errors.ts'
import { listenForCallback } from './live/callback-server.ts'
import { runCli } from './live/cli.ts'
import { flagsFrom, hasDisplay, type LiveConfig, loadConfig } from './live/config.ts'
import { installConsoleRedaction, SecretSet } from './live/secrets.ts'
import { type TokenAnswer, TokenStore } from './live/token-store.ts'

const { values } = parseArgs({
  options: {
    'connect-url': { type: 'string' },
    'api-url': { type: 'string' },
    'no-open': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '300' },
    organization: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
})

const secrets = new SecretSet()
installConsoleRedaction(secrets)

interface Verdict {
  id: string
  title: string
  passed: boolean
  detail: string
}

interface Organisation {
  Id: number | string
  Name: string
  IsPro: boolean
}

const b64url = (bytes: Buffer) => bytes.toString('base64url')

async function tokenCall(
  config: LiveConfig,
  body: string,
  contentType: string,
): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const res = await fetch(`${config.connectUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/json' },
    body,
    redirect: 'manual',
    signal: AbortSignal.timeout(30_000),
  })
  const text = await res.text()
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {}
  secrets.addTokenResponse(json)
  return { status: res.status, json }
}

function openBrowser(link: string): void {
  if (!hasDisplay()) return
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

async function main(): Promise<number> {
  if (values.help) {
    console.log(
      'usage: npm run login -- [--connect-url URL] [--api-url URL] [--no-open] [--timeout <s>] [--organization <id>]',
    )
    return 0
  }
  const config = loadConfig(flagsFrom(values), { require: ['clientId', 'clientSecret'] })
  secrets.add(config.clientSecret)
  secrets.addBasic(config.clientId, config.clientSecret)
  const timeout = Number(values.timeout)
  if (!Number.isFinite(timeout) || timeout <= 0)
    throw new HarnessError('HARNESS_USAGE', '--timeout must be seconds > 0')

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
    if (!values['no-open']) openBrowser(link)

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

    const verdicts: Verdict[] = []
    const exchange = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: config.redirectUri,
      code_verifier: verifier,
      client_id: config.clientId,
      client_secret: config.clientSecret,
    }

    // 1. JSON body first: it must be refused before the code is read, so the code survives (REFERENCE B1).
    const asJson = await tokenCall(config, JSON.stringify(exchange), 'application/json')
    let tokens: Record<string, unknown> | undefined
    const jsonRefused = asJson.status === 400 && asJson.json?.error === 'invalid_request'
    if (asJson.status === 200) tokens = asJson.json
    // 2. The real exchange (form, client_secret_post).
    const form =
      tokens === undefined
        ? await tokenCall(
            config,
            new URLSearchParams(exchange).toString(),
            'application/x-www-form-urlencoded',
          )
        : undefined
    if (form?.status === 200) tokens = form.json
    verdicts.push({
      id: 'login.token.json-body-keeps-code',
      title:
        'a JSON token request with the real code is refused with 400 invalid_request and does not burn the code',
      passed: jsonRefused && form?.status === 200,
      detail: `JSON → ${asJson.status} ${String(asJson.json?.error ?? '')}; form exchange after it → ${form?.status ?? 'skipped'}`,
    })
    verdicts.push({
      id: 'login.code.exchange',
      title: 'the form exchange answers 200 with an access token and a refresh token (offline_access)',
      passed: form?.status === 200 && typeof tokens?.refresh_token === 'string',
      detail: `form → ${form?.status ?? 'skipped'}${form?.json?.error ? ` ${String(form.json.error)}` : ''}`,
    })
    if (tokens === undefined || typeof tokens.access_token !== 'string')
      throw new HarnessError(
        'HARNESS_CODE_EXCHANGE_FAILED',
        `the code exchange failed (${form?.status ?? asJson.status} ${String(form?.json?.error ?? '')}): check the client secret and redirect_uri, then run npm run login again`,
      )
    if (typeof tokens.refresh_token !== 'string')
      throw new HarnessError(
        'HARNESS_NO_REFRESH_TOKEN',
        'no refresh token came back: enable offline access for the Visma Connect app and include offline_access in DINERO_SCOPES',
      )
    const answer = tokens as unknown as TokenAnswer & { refresh_token: string }
    store.saveNew({
      issuer: config.connectUrl,
      clientId: config.clientId,
      answer,
      lifetimeDays: config.refreshLifetimeDays,
    })

    // 3. Replay the code: refused, and (REFERENCE B4) the tokens already issued stay valid.
    const replay = await tokenCall(
      config,
      new URLSearchParams(exchange).toString(),
      'application/x-www-form-urlencoded',
    )
    verdicts.push({
      id: 'login.code.replay-rejected',
      title: 'redeeming the same code again is refused with 400 invalid_grant',
      passed: replay.status === 400 && replay.json?.error === 'invalid_grant',
      detail: `replay → ${replay.status} ${String(replay.json?.error ?? '')}`,
    })
    for (const v of verdicts) console.log(`${v.passed ? '✓' : '✗'} ${v.id}: ${v.title} (${v.detail})`)
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
    const failed = verdicts.filter((v) => !v.passed)
    if (failed.length > 0) {
      console.error(`${failed.length} login check(s) failed; the grant is stored anyway`)
      return 1
    }
    return 0
  } finally {
    await callback.close()
    store.release()
  }
}

runCli(main, secrets)
