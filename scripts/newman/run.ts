import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import { ITEM_SEPARATOR, SETUP_FOLDER } from '../../collections/build.ts'

/**
 * Runner 2: the generated collection through the Newman library. The verdict is read from
 * `summary.run` (failed assertions and request errors per item), never from the callback's
 * error, which is null when assertions fail (DESIGN.md §5).
 */
export interface NewmanVerdict {
  passed: boolean
  failures: string[]
}

export interface NewmanRunInput {
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
  /** Called for every response, before its test script's captures are used by the next request. */
  onResponse?: (itemName: string, response: NewmanExchange) => void
  /** Called when an item (one step) is done, with its failed assertions. */
  onItem?: (itemName: string, failures: string[]) => void
  timeoutRequestMs?: number
}

/** What one request and its response looked like (for secret collection and token persistence). */
export interface NewmanExchange {
  code: number
  text: string
  headers: Record<string, string>
  requestHeaders: Record<string, string>
  requestBody: string
}

interface HeaderListLike {
  each(fn: (h: { key: string; value: string }) => void): void
}

function headerRecord(list: HeaderListLike | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  list?.each((h) => {
    out[h.key.toLowerCase()] = h.value
  })
  return out
}

export interface NewmanRunResult {
  verdicts: Map<string, NewmanVerdict>
  summary: NewmanRunSummary
  setupFailures: string[]
}

function withVariables(
  collection: Record<string, unknown>,
  extra: Record<string, string>,
): Record<string, unknown> {
  const variable = ((collection.variable as { key: string; value: string }[]) ?? []).filter(
    (v) => !(v.key in extra),
  )
  for (const [key, value] of Object.entries(extra)) variable.push({ key, value })
  return { ...collection, variable }
}

export function runNewman(input: NewmanRunInput): Promise<NewmanRunResult> {
  const folders = input.checks ? [...(input.withSetup ? [SETUP_FOLDER] : []), ...input.checks] : undefined
  const options: NewmanRunOptions = {
    collection: withVariables(
      input.collection,
      input.collectionVariables ?? {},
    ) as unknown as NewmanRunOptions['collection'],
    environment: {
      values: Object.entries(input.environment).map(([key, value]) => ({ key, value, enabled: true })),
    } as unknown as NewmanRunOptions['environment'],
    reporters: input.reporters ?? [],
    ...(input.reporter ? { reporter: input.reporter } : {}),
    ...(folders ? { folder: folders } : {}),
    ignoreRedirects: true,
    timeoutRequest: input.timeoutRequestMs ?? 30_000,
  } as NewmanRunOptions
  return new Promise((resolve, reject) => {
    const emitter = newman.run(options, (err, summary) => {
      if (err) {
        reject(err)
        return
      }
      resolve(verdictsOf(summary))
    })
    if (input.onResponse) {
      const onResponse = input.onResponse
      emitter.on('request', (_err: unknown, args: RequestEventArgs) => {
        if (!args.response) return
        onResponse(args.item.name, {
          code: args.response.code,
          text: args.response.stream?.toString('utf8') ?? '',
          headers: headerRecord(args.response.headers),
          requestHeaders: headerRecord(args.request?.headers),
          requestBody: args.request?.body?.toString() ?? '',
        })
      })
    }
    if (input.onItem) {
      const onItem = input.onItem
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
  })
}

interface RequestEventArgs {
  item: { name: string }
  response?: { code: number; stream?: Buffer; headers?: HeaderListLike }
  request?: { headers?: HeaderListLike; body?: { toString(): string } }
}

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
    if (id === 'setup') {
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
    if (id === 'setup' || !verdicts.has(id)) continue
    const v = verdicts.get(id)!
    const message = `${name}: ${f.error.name}: ${f.error.message}`
    if (!v.failures.some((m) => m.endsWith(f.error.message))) v.failures.push(message)
    v.passed = false
  }
  return { verdicts, summary, setupFailures }
}
