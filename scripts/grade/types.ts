import type { JournalEntry } from '../../mocks/journal.ts'

/**
 * Wire types of the client grader: what a run is asked to do, what the scenarios observed from
 * outside the app, and what each probe concluded. See docs/GRADING.md for the app contract.
 */

/** The app under test: a command the grader starts (and stops), or one already running. */
export type AppTarget =
  | {
      /** A shell command that starts the app, e.g. `node --import tsx examples/good-app/server.ts`. */
      command: string
      cwd?: string
      /** Extra environment for the app (the DINERO_* variables are set by the grader). */
      env?: Record<string, string>
    }
  | {
      /** The base URL of an app already running (it must use the mock at `mockPort`). */
      url: string
      /** The app's callback; default `<url>/callback`. */
      redirectUri?: string
    }

export interface GradeOptions {
  app: AppTarget
  /** Client registered in the mock; default `isv_grade_app`. */
  clientId?: string
  /** Default: a random secret when the grader starts the app, `conformance-secret` for a running app. */
  clientSecret?: string
  /** Port of the served mock; default 0 (free port) when starting the app, 4010 for a running app. */
  mockPort?: number
  /** Where grade-junit.xml and grade.md go; `false` writes nothing. Default `reports`. */
  reportsDir?: string | false
  /** Parallel app actions across access-token expiry; default 5. */
  concurrency?: number
  /** Retry-After of the second injected 429 (the first has none, as Dinero's), in seconds; default 1. */
  retryAfterSeconds?: number
  /** How long the app may take to answer its first request; default 20 000 ms. */
  startupTimeoutMs?: number
  /** How long a started app has to exit after SIGTERM before its process group is killed; default 3 000 ms. */
  stopTimeoutMs?: number
  /** How long one app request may take; default 20 000 ms. */
  requestTimeoutMs?: number
  /** Progress lines (the CLI prints them); default silent. */
  log?: (line: string) => void
}

/** A half-open range of journal sequence numbers: entries with `from < seq <= to`. */
export interface Window {
  from: number
  to: number
}

export interface LoginObservation {
  label: string
  window: Window
  /** HTTP status the app's callback answered the form_post with. */
  callbackStatus: number
  /** `state` from the app's GET /status right after. */
  appState: string | undefined
}

export interface AppCall {
  status: number
  /** `state` from a JSON body, when there was one (never the body itself: it may hold data). */
  state?: string
  ms: number
}

export type ScenarioId =
  | 'login'
  | 'altered-state'
  | 'refresh'
  | 'reconsent'
  | 'rate-limit'
  | 'rate-limit-retry-after'
  | 'server-error'

export interface Observations {
  mockOrigin: string
  redirectUri: string
  logins: LoginObservation[]
  alteredState?: { window: Window; callbackStatus: number }
  refresh?: {
    concurrency: number
    concurrent: { window: Window; calls: AppCall[] }
    sequential: { window: Window; call: AppCall }
  }
  reconsent?: { window: Window; calls: AppCall[]; appState: string | undefined }
  /** A 429 as Dinero sends it: code 43, no Retry-After. */
  rateLimit?: { window: Window; call: AppCall }
  /** A 429 with Retry-After (the mock's opt-in; the real API was not seen sending it). */
  rateLimitRetryAfter?: { window: Window; retryAfterSeconds: number; call: AppCall }
  serverError?: { window: Window; call: AppCall }
  /** A scenario that could not run to its end, and why. */
  errors: Partial<Record<ScenarioId, string>>
}

export type Verdict = 'pass' | 'fail' | 'error'

export interface ProbeOutcome {
  verdict: Verdict
  /** One line: what was seen. */
  summary: string
  /** Supporting lines (journal facts, never secrets: the journal is redacted). */
  evidence: string[]
}

export interface Probe {
  id: string
  title: string
  /** RFC sections and collections/sources.ts ids the behaviour comes from. */
  sources: readonly string[]
  scenarios: readonly ScenarioId[]
  judge(entries: readonly JournalEntry[], obs: Observations): Omit<ProbeOutcome, 'verdict'> & { ok: boolean }
}

export interface ProbeResult extends ProbeOutcome {
  id: string
  title: string
  sources: readonly string[]
  durationMs: number
}

export interface GradeResult {
  passed: boolean
  probes: ProbeResult[]
  files: { junit?: string; markdown?: string }
  durationMs: number
  observations: Observations
}
