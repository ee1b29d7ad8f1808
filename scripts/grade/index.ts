import { randomBytes } from 'node:crypto'
import { createMock } from '../../mocks/create-mock.ts'
import { serveMock } from '../../mocks/http/serve.ts'
import type { JournalEntry } from '../../mocks/journal.ts'
import { DEFAULT_CLIENT_SECRET, defineClient } from '../../mocks/options.ts'
import { REDACTED, SecretSet } from '../live/secrets.ts'
import { freePort, type RunningApp, startApp, waitForApp } from './app.ts'
import { GraderBrowser } from './browser.ts'
import { GradeError } from './errors.ts'
import { PROBES } from './probes.ts'
import { writeReports } from './report.ts'
import { runScenarios } from './scenarios.ts'
import type { GradeOptions, GradeResult, Observations, Probe, ProbeResult } from './types.ts'

/**
 * `gradeApp(options)`: serve a hostile-but-faithful Visma Connect + Dinero mock, start (or reach)
 * the integrator's app, drive the scenarios as its user's browser, and judge every probe from
 * the mock's journal. The contract the app must follow is in docs/GRADING.md.
 */
export { GradeError } from './errors.ts'
export { PROBES } from './probes.ts'
export type * from './types.ts'

export const DEFAULT_GRADE_CLIENT_ID = 'isv_grade_app'

export function judge(
  probes: readonly Probe[],
  entries: readonly JournalEntry[],
  obs: Observations,
): ProbeResult[] {
  return probes.map((probe) => {
    const started = performance.now()
    const base = { id: probe.id, title: probe.title, sources: probe.sources }
    const broken = probe.scenarios.filter((s) => obs.errors[s] !== undefined)
    if (broken.length > 0)
      return {
        ...base,
        verdict: 'error',
        summary: `scenario ${broken.join(', ')} could not run: ${broken.map((s) => obs.errors[s]).join('; ')}`,
        evidence: [],
        durationMs: 0,
      }
    try {
      const { ok, summary, evidence } = probe.judge(entries, obs)
      return {
        ...base,
        verdict: ok ? 'pass' : 'fail',
        summary,
        evidence,
        durationMs: Math.round(performance.now() - started),
      }
    } catch (e) {
      return {
        ...base,
        verdict: 'error',
        summary: `the probe itself failed: ${(e as Error).message}`,
        evidence: [],
        durationMs: 0,
      }
    }
  })
}

/** A handle of the mock's (a code or refresh token: 64 hex digits). */
const HANDLE = /(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])/g
/** A run of base64url characters and dots: where a JWT can stand. */
const DOTTED = /[\w.-]+/g

/**
 * Whether a dotted run holds a JWT (an access or id token): a part opening with `eyJ` (base64url
 * of `{"`) followed by two more parts. Read by splitting, not by a pattern per start: a pattern
 * that rescans from every `eyJ` took 11 s over 256 KB of app output without dots.
 */
function holdsJwt(run: string): boolean {
  const parts = run.split('.')
  return parts.some(
    (p, i) => p.startsWith('eyJ') && p.length > 3 && i + 2 < parts.length && parts[i + 1] !== '',
  )
}

/**
 * What the grader quotes of the app (its output when it fails to start, its /status text) and
 * writes in its reports goes through this: the client secret it gave the app in every wire form
 * the SecretSet knows (URL- and form-encoded, in a Basic header), and anything shaped like the
 * tokens and codes the mock issued to it, which the app's own logs may print.
 */
function redactor(clientId: string, clientSecret: string): (text: string) => string {
  const secrets = new SecretSet()
  secrets.add(clientSecret)
  secrets.addBasic(clientId, clientSecret)
  return (text) =>
    secrets
      .redact(text)
      .replace(DOTTED, (run) => (holdsJwt(run) ? REDACTED : run))
      .replace(HANDLE, REDACTED)
}

export async function gradeApp(options: GradeOptions): Promise<GradeResult> {
  const started = performance.now()
  const log = options.log ?? (() => {})
  const starting = 'command' in options.app
  const clientId = options.clientId ?? DEFAULT_GRADE_CLIENT_ID
  const clientSecret =
    options.clientSecret ?? (starting ? randomBytes(24).toString('base64url') : DEFAULT_CLIENT_SECRET)
  const redact = redactor(clientId, clientSecret)
  const concurrency = options.concurrency ?? 5
  const retryAfterSeconds = options.retryAfterSeconds ?? 1
  const timeoutMs = options.requestTimeoutMs ?? 20_000
  if (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 50)
    throw new GradeError('GRADE_USAGE', 'concurrency must be an integer from 2 to 50')
  if (!Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1 || retryAfterSeconds > 30)
    throw new GradeError('GRADE_USAGE', 'retryAfterSeconds must be an integer from 1 to 30')

  let appUrl: string
  let redirectUri: string
  if ('command' in options.app) {
    redirectUri = `http://127.0.0.1:${await freePort()}/callback`
    appUrl = new URL(redirectUri).origin
  } else {
    appUrl = options.app.url.replace(/\/+$/, '')
    redirectUri = options.app.redirectUri ?? `${appUrl}/callback`
  }

  const mock = createMock({
    clients: [
      defineClient({
        clientId,
        clientName: 'App under grading',
        secret: clientSecret,
        redirectUris: [redirectUri],
      }),
    ],
    consent: 'interactive',
    // Only injected 429s count: the grader's own bursts must not trip the real limit.
    dinero: { rateLimitPerMinute: 0 },
  })
  const served = await serveMock(mock, { port: options.mockPort ?? (starting ? 0 : 4010) }).catch(
    (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE')
        throw new GradeError('GRADE_USAGE', `mock port ${options.mockPort ?? 4010} is in use; pick another`)
      throw e
    },
  )
  log(`mock on ${served.origin}; app at ${appUrl}; redirect_uri ${redirectUri}`)
  let app: RunningApp | undefined
  const obs: Observations = { mockOrigin: served.origin, redirectUri, logins: [], errors: {} }
  try {
    if ('command' in options.app) {
      app = await startApp({
        command: options.app.command,
        ...(options.app.cwd === undefined ? {} : { cwd: options.app.cwd }),
        env: {
          ...options.app.env,
          DINERO_CONNECT_URL: served.origin,
          DINERO_API_URL: served.origin,
          DINERO_CLIENT_ID: clientId,
          DINERO_CLIENT_SECRET: clientSecret,
          DINERO_REDIRECT_URI: redirectUri,
        },
        url: appUrl,
        timeoutMs: options.startupTimeoutMs ?? 20_000,
        stopTimeoutMs: options.stopTimeoutMs ?? 3_000,
        redact,
      })
    } else {
      await waitForApp(appUrl, options.startupTimeoutMs ?? 20_000)
    }
    const browser = new GraderBrowser(appUrl, served.origin, timeoutMs)
    await runScenarios(mock, browser, { concurrency, retryAfterSeconds, log, clientId }, obs)
  } finally {
    await app?.stop()
    await served.close()
  }

  // What `grade` prints and returns goes through the same redaction as the reports: a summary can
  // quote the app (its /status text).
  const probes = judge(PROBES, mock.journal.entries(), obs).map((p) => ({
    ...p,
    summary: redact(p.summary),
    evidence: p.evidence.map(redact),
  }))
  const durationMs = Math.round(performance.now() - started)
  const reportsDir = options.reportsDir ?? 'reports'
  const files = reportsDir === false ? {} : await writeReports(reportsDir, probes, obs, durationMs, redact)
  return {
    passed: probes.every((p) => p.verdict === 'pass'),
    probes,
    files,
    durationMs,
    observations: obs,
  }
}
