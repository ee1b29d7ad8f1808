import type { Mock } from '../../mocks/create-mock.ts'
import type { GraderBrowser } from './browser.ts'
import type { AppCall, Observations, ScenarioId, Window } from './types.ts'

/**
 * The scenarios the grader drives, in order. Each one starts from a fresh login (so an app that
 * wrecked its grant in one scenario is still judged on the next), marks its slice of the
 * journal as a window, and notes what the app answered. The mock is changed only in process:
 * its clock, deviations, faults and lifecycle events (mocks/control.ts), never over HTTP, so
 * nothing the grader does shows up in the journal as the app's traffic.
 */
export interface ScenarioSettings {
  concurrency: number
  retryAfterSeconds: number
  log: (line: string) => void
  clientId: string
}

/**
 * The app's access tokens are made to expire (as their 3600 s would, observed-visma-token-response)
 * without moving the mock clock: the app keeps its own clock, and an id_token issued on a clock an
 * hour ahead is not yet valid on it, so an app on openid-client failed the refresh through no fault
 * of its own (the refresh token had already rotated).
 */
const expire = (mock: Mock, clientId: string) => mock.control.expireAccessTokens(clientId)
/** Time left after the app answers, to see retries it makes in the background. */
const SETTLE_MS = 300

const lastSeq = (mock: Mock) => mock.journal.entries().at(-1)?.seq ?? 0
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function windowed<T>(mock: Mock, body: () => Promise<T>): Promise<{ window: Window; value: T }> {
  const from = lastSeq(mock)
  const value = await body()
  return { window: { from, to: lastSeq(mock) }, value }
}

export async function runScenarios(
  mock: Mock,
  browser: GraderBrowser,
  settings: ScenarioSettings,
  obs: Observations,
): Promise<void> {
  const steps: [ScenarioId, string, () => Promise<void>][] = [
    [
      'login',
      'two logins (code flow, form_post callback)',
      async () => {
        for (const label of ['first login', 'second login']) {
          const { window, value } = await windowed(mock, () => browser.login())
          obs.logins.push({
            label,
            window,
            callbackStatus: value.callbackStatus,
            appState: await browser.appState(),
          })
        }
      },
    ],
    [
      'altered-state',
      'a login where the mock returns a wrong state',
      async () => {
        mock.deviations.enable('authorize.alter-state')
        try {
          const { window, value } = await windowed(mock, () => browser.login())
          obs.alteredState = { window, callbackStatus: value.callbackStatus }
        } finally {
          mock.deviations.disable('authorize.alter-state')
        }
      },
    ],
    [
      'refresh',
      `${settings.concurrency} parallel calls across access-token expiry, then one more expiry`,
      async () => {
        await browser.login()
        await browser.call('/organizations')
        expire(mock, settings.clientId)
        const concurrent = await windowed(mock, () =>
          Promise.all(Array.from({ length: settings.concurrency }, () => browser.call('/organizations'))),
        )
        expire(mock, settings.clientId)
        const sequential = await windowed(mock, () => browser.call('/organizations'))
        obs.refresh = {
          concurrency: settings.concurrency,
          concurrent: { window: concurrent.window, calls: concurrent.value },
          sequential: { window: sequential.window, call: sequential.value },
        }
      },
    ],
    [
      'reconsent',
      'the user revokes consent; the access token expires',
      async () => {
        await browser.login()
        await browser.call('/organizations')
        mock.control.lifecycle({ event: 'revoke-consent', clientId: settings.clientId })
        expire(mock, settings.clientId)
        const { window, value } = await windowed(mock, async () => {
          const calls: AppCall[] = []
          for (let i = 0; i < 3; i++) calls.push(await browser.call('/organizations'))
          await sleep(SETTLE_MS)
          return calls
        })
        obs.reconsent = { window, calls: value, appState: await browser.appState() }
      },
    ],
    [
      'rate-limit',
      'one Dinero call answered 429 code 43 with no Retry-After, as Dinero answers',
      async () => {
        await browser.login()
        mock.control.injectFault({ target: 'dinero', kind: 'rate-limit', count: 1 })
        try {
          const { window, value } = await windowed(mock, async () => {
            const call = await browser.call('/organizations')
            await sleep(SETTLE_MS)
            return call
          })
          obs.rateLimit = { window, call: value }
        } finally {
          mock.control.clearFaults()
        }
      },
    ],
    [
      'rate-limit-retry-after',
      `one Dinero call answered 429 with Retry-After: ${settings.retryAfterSeconds}`,
      async () => {
        await browser.login()
        mock.control.injectFault({
          target: 'dinero',
          kind: 'rate-limit',
          retryAfterSeconds: settings.retryAfterSeconds,
          count: 1,
        })
        try {
          const { window, value } = await windowed(mock, async () => {
            const call = await browser.call('/organizations')
            await sleep(SETTLE_MS)
            return call
          })
          obs.rateLimitRetryAfter = { window, retryAfterSeconds: settings.retryAfterSeconds, call: value }
        } finally {
          mock.control.clearFaults()
        }
      },
    ],
    [
      'server-error',
      'every Dinero call answered 503 until the app gives up',
      async () => {
        await browser.login()
        mock.control.injectFault({ target: 'dinero', kind: 'status', status: 503 })
        try {
          const { window, value } = await windowed(mock, async () => {
            const call = await browser.call('/organizations')
            await sleep(SETTLE_MS)
            return call
          })
          obs.serverError = { window, call: value }
        } finally {
          mock.control.clearFaults()
        }
      },
    ],
  ]
  for (const [id, title, run] of steps) {
    const started = performance.now()
    try {
      await run()
      settings.log(`  scenario ${id}: ${title} (${Math.round(performance.now() - started)} ms)`)
    } catch (e) {
      obs.errors[id] = e instanceof Error ? e.message : String(e)
      settings.log(`  scenario ${id}: could not run: ${obs.errors[id]}`)
    }
  }
}
