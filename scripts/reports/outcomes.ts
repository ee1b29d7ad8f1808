import type { NewmanRunSummary } from 'newman'
import { type Check, mockSteps, type Step } from '../../collections/model/types.ts'

/**
 * What a run did, per check, in the shape every report is written from (summary.md, JUnit,
 * Allure): the verdict, its failure lines, and each request the check sent with the answer it
 * got. Reports are written from these outcomes, not from a reporter's view of requests, so every
 * report counts checks — the catalogue's unit — and says the same thing.
 */
export interface Exchange {
  /** The step's name as the check declares it. */
  step: string
  /** The step's declaration (its assertions say what was expected), when known. */
  spec?: Step
  method: string
  /** The URL as sent, port included. */
  url: string
  status?: number
  requestHeaders: Record<string, string>
  requestBody: string
  responseHeaders: Record<string, string>
  responseBody: string
  /** `assertion: what was seen`, one per failed assertion; a request error too. */
  failures: string[]
  durationMs: number
}

export interface CheckOutcome {
  check: Check
  passed: boolean
  /** Failure lines for the summary (`step: assertion: detail`); `not run` when it never ran. */
  failures: string[]
  /** The requests it sent, in order; absent when the runner does not record them. */
  exchanges?: Exchange[]
  /** Set when the check was left out on purpose (the live run's write and organisation guards). */
  skipped?: string
}

interface ListLike {
  each(fn: (p: { key: string; value: string; disabled?: boolean }) => void): void
}

function record(list: ListLike | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  list?.each((h) => {
    if (h.disabled) return
    const key = h.key.toLowerCase()
    out[key] = out[key] === undefined ? h.value : `${out[key]}\n${h.value}`
  })
  return out
}

interface ExecutionLike {
  item: { name: string }
  request?: {
    method?: string
    url?: { toString(): string }
    headers?: ListLike
    body?: { toString(): string }
  }
  response?: { code: number; stream?: Buffer; headers?: ListLike; responseTime?: number }
  requestError?: Error
  assertions?: { assertion: string; error?: Error }[]
}

const ITEM = /^(.*?) · (\d+)\. (.*)$/s

/**
 * Outcomes from a Newman run: its executions grouped by check (items are named
 * `<check id> · <n>. <step>`, collections/build.ts), with the verdicts Newman's wrapper computed.
 */
export function outcomesFromNewman(
  checks: readonly Check[],
  summary: NewmanRunSummary,
  verdicts: ReadonlyMap<string, { passed: boolean; failures: string[] }>,
): CheckOutcome[] {
  const byCheck = new Map<string, Exchange[]>()
  for (const execution of summary.run.executions as unknown as ExecutionLike[]) {
    const m = ITEM.exec(execution.item.name)
    if (!m) continue
    const [, id = '', n = '0', step = ''] = m
    const check = checks.find((c) => c.id === id)
    if (check === undefined) continue
    const failures: string[] = []
    if (execution.requestError) failures.push(`request failed: ${execution.requestError.message}`)
    for (const a of execution.assertions ?? [])
      if (a.error) failures.push(`${a.assertion}: ${a.error.message}`)
    const { request, response } = execution
    const spec = mockSteps(check)[Number(n) - 1]
    const exchange: Exchange = {
      step,
      ...(spec ? { spec } : {}),
      method: request?.method ?? spec?.request.method ?? '',
      url: request?.url?.toString() ?? '',
      ...(response ? { status: response.code } : {}),
      requestHeaders: record(request?.headers),
      requestBody: request?.body?.toString() ?? '',
      responseHeaders: record(response?.headers),
      responseBody: response?.stream?.toString('utf8') ?? '',
      failures,
      durationMs: response?.responseTime ?? 0,
    }
    const list = byCheck.get(id) ?? []
    list.push(exchange)
    byCheck.set(id, list)
  }
  return checks.map((check) => {
    const verdict = verdicts.get(check.id)
    return {
      check,
      passed: verdict?.passed === true,
      failures: verdict?.failures ?? ['not run'],
      exchanges: byCheck.get(check.id) ?? [],
    }
  })
}

/** `POST /connect/token` for an exchange: the method and path, no query (it may hold a code). */
export function requestLine(x: Exchange): string {
  let path = x.url
  try {
    path = new URL(x.url).pathname
  } catch {}
  return `${x.method} ${path}`
}

function errorCodeIn(x: Exchange): string | undefined {
  try {
    const body: unknown = JSON.parse(x.responseBody)
    const error = (body as { error?: unknown } | null)?.error
    if (typeof error === 'string') return error
  } catch {}
  const location = x.responseHeaders.location
  if (location) {
    const q = location.slice(location.search(/[?#]/) + 1)
    const error = new URLSearchParams(q).get('error')
    if (error) return error
  }
  return undefined
}

function expectedOf(spec: Step | undefined): { status?: string; error?: string } {
  const out: { status?: string; error?: string } = {}
  for (const a of spec?.expect ?? []) {
    if (a.kind === 'status') out.status = String(a.equals)
    if (a.kind === 'status-in') out.status = a.values.join(' or ')
    if (a.kind === 'json-path-equals' && a.path === 'error') out.error = String(a.value)
    if (a.kind === 'location-param' && a.name === 'error') out.error = a.equals
    if (a.kind === 'form-post-field' && a.name === 'error') out.error = a.equals
    if (a.kind === 'json-equals') {
      const error = (a.value as { error?: unknown } | null)?.error
      if (typeof error === 'string') out.error = error
    }
  }
  return out
}

/**
 * What the service did instead, in one line: `POST /connect/token: expected 400 invalid_request,
 * got 200` when the status or the OAuth error differs, else the failed assertions as seen.
 */
export function whatHappened(x: Exchange): string {
  const line = requestLine(x)
  if (x.status === undefined) return `${line}: no answer (${x.failures.join('; ')})`
  const want = expectedOf(x.spec)
  const gotError = errorCodeIn(x)
  const statusDiffers = want.status !== undefined && !want.status.split(' or ').includes(String(x.status))
  const errorDiffers = want.error !== undefined && want.error !== gotError
  if (statusDiffers || errorDiffers) {
    const expected = [want.status, want.error].filter((s) => s !== undefined).join(' ')
    const got = [String(x.status), gotError].filter((s) => s !== undefined).join(' ')
    return `${line}: expected ${expected}, got ${got}`
  }
  return `${line} → ${x.status}: ${x.failures.join('; ')}`
}

/** The exchanges of an outcome that failed. */
export function failedExchanges(o: CheckOutcome): Exchange[] {
  return (o.exchanges ?? []).filter((x) => x.failures.length > 0)
}

/** One line for a failed check: the first failing request and what it got instead. */
export function failureLine(o: CheckOutcome): string {
  if (o.skipped !== undefined) return `skipped: ${o.skipped}`
  const first = failedExchanges(o)[0]
  if (first) return whatHappened(first)
  return o.failures[0] ?? 'failed'
}

/** What the engine sent for one step and what came back (scripts/engine/catalogue-runner.ts `onSend`). */
export interface EngineSend {
  request: { method: string; url: string; headers: Record<string, string>; body?: string }
  reply?: { status: number; headers: Headers; text: string }
  ms: number
}

/**
 * The outcome of one check run by the engine: its sends are its steps in order (one request per
 * step, mockSteps on the mock), each step's failures are the engine's for that step name.
 */
export function outcomeFromEngine(
  check: Check,
  result: { passed: boolean; failures: { step: string; assertion: string; detail: string }[] },
  sends: readonly EngineSend[],
  steps: readonly Step[] = mockSteps(check),
): CheckOutcome {
  const exchanges = sends.map((s, i): Exchange => {
    const spec = steps[i]
    const name = spec?.name ?? `request ${i + 1}`
    const responseHeaders: Record<string, string> = {}
    s.reply?.headers.forEach((v, k) => {
      responseHeaders[k] = v
    })
    return {
      step: name,
      ...(spec ? { spec } : {}),
      method: s.request.method,
      url: s.request.url,
      ...(s.reply ? { status: s.reply.status } : {}),
      requestHeaders: Object.fromEntries(
        Object.entries(s.request.headers).map(([k, v]) => [k.toLowerCase(), v]),
      ),
      requestBody: s.request.body ?? '',
      responseHeaders,
      responseBody: s.reply?.text ?? '',
      failures: result.failures.filter((f) => f.step === name).map((f) => `${f.assertion}: ${f.detail}`),
      durationMs: s.ms,
    }
  })
  return {
    check,
    passed: result.passed,
    failures: result.failures.map((f) => `${f.step}: ${f.assertion}: ${f.detail}`),
    exchanges,
  }
}
