import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import { ITEM_SEPARATOR, SETUP_FOLDER } from '../../collections/build.ts'
import { HarnessError } from '../errors.ts'

/**
 * The one Newman wrapper: the generated collection through the Newman library, for the mock
 * run and the live run alike; what differs between them are the hooks. The verdict is read
 * from `summary.run` (failed assertions, request and script errors per item), never from the
 * callback's error, which is null when assertions fail.
 *
 * Hook timing, which the live run's token store relies on (scripts/live/newman-live.ts):
 * - `beforeRequest` runs synchronously when postman-runtime emits it, right before the request
 *   is handed to the HTTP client, with the request object that is then sent
 *   (http-request.command.js: `beforeRequest(null)` … `requester.request(…, item.request, …)`):
 *   what the hook writes to disk is durable before the first byte leaves, and what it changes
 *   in the request is what is sent;
 * - `onResponse` runs synchronously when the answer (or the request error) arrived, before the
 *   item's test script runs and before the next request is prepared;
 * - `redactExport` rewrites each reporter's export after the reporter built it and before
 *   Newman writes it.
 */
export interface NewmanVerdict {
  passed: boolean
  failures: string[]
}

/** What one request and its response looked like (for secret collection and token persistence). */
export interface NewmanExchange {
  code: number
  text: string
  headers: Record<string, string>
  requestHeaders: Record<string, string>
  requestBody: string
}

interface PropertyLike {
  key: string
  value: string
  disabled?: boolean
}
interface ListLike {
  each(fn: (p: PropertyLike) => void): void
}
/** The outgoing request as postman-collection holds it; a `beforeRequest` hook may change its values. */
export interface NewmanRequest {
  headers?: ListLike
  body?: { mode?: string; urlencoded?: ListLike; raw?: string; toString(): string }
  url?: { query?: ListLike }
}

export interface NewmanHooks {
  beforeRequest?: (itemName: string, request: NewmanRequest | undefined) => void
  /** Every answer, or `error` when none came (`exchange` is then undefined). */
  onResponse?: (itemName: string, exchange: NewmanExchange | undefined, error: unknown) => void
  /** An item (one step) is done, with its failed assertions. */
  onItem?: (itemName: string, failures: string[]) => void
  redactExport?: (content: string) => string
}

export interface NewmanRunInput extends NewmanHooks {
  collection: Record<string, unknown>
  /** Environment values (base variables). */
  environment: Record<string, string>
  /** Collection variables to set before the run (the live grant goes here, never in the environment). */
  collectionVariables?: Record<string, string>
  /** Check ids (folder names) to run; all when absent. The setup folder is added when `withSetup`. */
  checks?: readonly string[]
  withSetup?: boolean
  reporters?: string[]
  reporter?: Record<string, unknown>
  timeoutRequestMs?: number
}

export interface NewmanRunResult {
  verdicts: Map<string, NewmanVerdict>
  summary: NewmanRunSummary
  setupFailures: string[]
}

function headerRecord(list: ListLike | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  list?.each((h) => {
    out[h.key.toLowerCase()] = h.value
  })
  return out
}

function withVariables(
  collection: Record<string, unknown>,
  extra: Record<string, string>,
): Record<string, unknown> {
  const variable = ((collection.variable as PropertyLike[]) ?? []).filter((v) => !(v.key in extra))
  for (const [key, value] of Object.entries(extra)) variable.push({ key, value })
  return { ...collection, variable }
}

interface RequestEvent {
  item: { name: string }
  request?: NewmanRequest
  response?: { code: number; stream?: Buffer; headers?: ListLike }
}

/** Rejects only when Newman cannot run at all (HARNESS_NEWMAN_FAILED); failed checks are verdicts. */
export function runNewman(input: NewmanRunInput): Promise<NewmanRunResult> {
  // Newman runs the whole collection for an empty folder list: a selection that had left no check
  // (`live --area destructive` without --destructive) sent every mock-only and destructive request
  // to the live services and replayed a refresh token. No checks means none; `checks` absent means all.
  if (input.checks?.length === 0 && !input.withSetup)
    return Promise.reject(new HarnessError('HARNESS_NEWMAN_FAILED', 'newman was given no check to run'))
  const folders = input.checks ? [...(input.withSetup ? [SETUP_FOLDER] : []), ...input.checks] : undefined
  const options = {
    collection: withVariables(input.collection, input.collectionVariables ?? {}),
    environment: {
      values: Object.entries(input.environment).map(([key, value]) => ({ key, value, enabled: true })),
    },
    reporters: input.reporters ?? [],
    ...(input.reporter ? { reporter: input.reporter } : {}),
    ...(folders ? { folder: folders } : {}),
    ignoreRedirects: true,
    timeoutRequest: input.timeoutRequestMs ?? 30_000,
  } as unknown as NewmanRunOptions
  return new Promise((resolve, reject) => {
    const emitter = newman.run(options, (err, summary) => {
      if (err) {
        const message = input.redactExport ? input.redactExport(err.message) : err.message
        reject(new HarnessError('HARNESS_NEWMAN_FAILED', `newman could not run: ${message}`))
        return
      }
      resolve(verdictsOf(summary))
    })
    const { beforeRequest, onResponse, onItem, redactExport } = input
    if (beforeRequest)
      emitter.on('beforeRequest', (_err: unknown, args: RequestEvent) =>
        beforeRequest(args.item.name, args.request),
      )
    if (onResponse) {
      emitter.on('request', (err: unknown, args: RequestEvent) => {
        const exchange = args.response && {
          code: args.response.code,
          text: args.response.stream?.toString('utf8') ?? '',
          headers: headerRecord(args.response.headers),
          requestHeaders: headerRecord(args.request?.headers),
          requestBody: args.request?.body?.toString() ?? '',
        }
        onResponse(args.item.name, exchange, err)
      })
    }
    if (onItem) {
      const failed = new Map<string, string[]>()
      emitter.on('assertion', (err: Error | null, args: { item: { name: string }; assertion: string }) => {
        if (!err) return
        const list = failed.get(args.item.name) ?? []
        list.push(`${args.assertion}: ${err.message}`)
        failed.set(args.item.name, list)
      })
      emitter.on('item', (_err: unknown, args: { item: { name: string } }) => {
        onItem(args.item.name, failed.get(args.item.name) ?? [])
      })
    }
    if (redactExport) {
      // Registered at 'start', i.e. after the reporters: runs after they built their exports.
      emitter.on('start', () => {
        emitter.on('beforeDone', () => {
          const exports = (emitter as unknown as { exports?: { content?: unknown }[] }).exports ?? []
          for (const e of exports) if (typeof e.content === 'string') e.content = redactExport(e.content)
        })
      })
    }
  })
}

/** The setup folder's items are named `setup · 1. …` (collections/build.ts). */
const SETUP_PREFIX = 'setup'

export function checkIdOf(itemName: string): string {
  const i = itemName.indexOf(ITEM_SEPARATOR)
  return i < 0 ? itemName : itemName.slice(0, i)
}

function verdictsOf(summary: NewmanRunSummary): NewmanRunResult {
  const verdicts = new Map<string, NewmanVerdict>()
  const setupFailures: string[] = []
  for (const execution of summary.run.executions) {
    const name = execution.item.name
    const id = checkIdOf(name)
    const failures: string[] = []
    const requestError = (execution as unknown as { requestError?: Error }).requestError
    if (requestError) failures.push(`${name}: request failed: ${requestError.message}`)
    for (const a of execution.assertions ?? []) {
      if (a.error) failures.push(`${name}: ${a.assertion}: ${a.error.message}`)
    }
    if (id === SETUP_PREFIX) {
      setupFailures.push(...failures)
      continue
    }
    const v = verdicts.get(id) ?? { passed: true, failures: [] }
    v.failures.push(...failures)
    v.passed = v.failures.length === 0
    verdicts.set(id, v)
  }
  // Script errors (a test script that threw outside pm.test) count against the item too.
  for (const f of summary.run.failures) {
    const name = (f.source as { name?: string } | undefined)?.name ?? ''
    const id = checkIdOf(name)
    const v = verdicts.get(id)
    if (id === SETUP_PREFIX || v === undefined) continue
    const message = `${name}: ${f.error.name}: ${f.error.message}`
    if (!v.failures.some((m) => m.endsWith(f.error.message))) v.failures.push(message)
    v.passed = false
  }
  return { verdicts, summary, setupFailures }
}
