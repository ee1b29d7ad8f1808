import { createRequire } from 'node:module'
import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import { mockVariables } from '../../collections/model/variables.ts'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
import type { DeviationId } from '../../mocks/deviations.ts'
import { type ServedMock, serveMock } from '../../mocks/http/serve.ts'
import { sharedSigningKey } from '../../scripts/targets/keys.ts'

/**
 * The committed collection as a Postman user runs it: newman's own `run` API with an environment
 * (not the project's wrapper, which passes the live grant as collection variables), against a
 * served mock. The environment a run ends with is handed to the next run, as Postman keeps it.
 */
export interface FolderRun {
  /** `<item>: <test>: <message>` for every failed assertion, request error or script error. */
  failures: string[]
  /** Assertions that ran (passed or failed). */
  assertions: number
  /** The environment's values after the run. */
  environment: Record<string, string>
}

export interface ServedCollectionMock {
  mock: Mock
  served: ServedMock
  /** Base variables of the mock environment at this mock's origin. */
  environment: Record<string, string>
  reset(): Promise<void>
  close(): Promise<void>
}

export async function serveCollectionMock(): Promise<ServedCollectionMock> {
  const mock = createMock({ clock: { frozen: true }, signingKey: await sharedSigningKey() })
  const served = await serveMock(mock, { port: 0 })
  const { origin } = served
  return {
    mock,
    served,
    environment: mockVariables({ connect: origin, api: origin, control: origin }),
    async reset() {
      const answer = await fetch(`${origin}/__mock/reset`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      })
      if (!answer.ok) throw new Error(`POST /__mock/reset answered ${answer.status}`)
    },
    close: () => served.close(),
  }
}

export function runFolders(
  collection: Record<string, unknown>,
  environment: Record<string, string>,
  folders?: readonly string[],
): Promise<FolderRun> {
  const options = {
    collection,
    environment: {
      values: Object.entries(environment).map(([key, value]) => ({ key, value, enabled: true })),
    },
    ...(folders ? { folder: [...folders] } : {}),
    reporters: [],
  } as unknown as NewmanRunOptions
  return new Promise((resolve, reject) => {
    newman.run(options, (err, summary: NewmanRunSummary) => {
      if (err) return reject(err)
      const failures = summary.run.failures.map((f) => {
        const item = (f.source as { name?: string } | undefined)?.name ?? '?'
        const test = (f.error as { test?: string }).test
        return `${item}: ${test ? `${test}: ` : ''}${f.error.message}`
      })
      const values: Record<string, string> = {}
      const scope = (
        summary as unknown as {
          environment: { values: { each(fn: (v: { key: string; value: unknown }) => void): void } }
        }
      ).environment
      scope.values.each((v) => {
        values[v.key] = String(v.value)
      })
      resolve({ failures, assertions: summary.run.stats.assertions.total ?? 0, environment: values })
    })
  })
}

/** A grant obtained outside the collection, the way `dinero-conformance login` obtains one. */
export async function obtainRefreshToken(env: Record<string, string>): Promise<string> {
  const authorize = new URL(`${env.connectUrl}/connect/authorize`)
  for (const [k, v] of Object.entries({
    client_id: env.clientId!,
    redirect_uri: env.redirectUri!,
    response_type: 'code',
    response_mode: 'query',
    scope: env.scopes!,
  }))
    authorize.searchParams.set(k, v)
  const authorized = await fetch(authorize, { redirect: 'manual', headers: { 'X-Mock-Consent': 'accept' } })
  const code = new URL(authorized.headers.get('location') ?? '').searchParams.get('code')
  if (!code) throw new Error(`authorize answered ${authorized.status} without a code`)
  const exchanged = await fetch(`${env.connectUrl}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: env.redirectUri!,
      client_id: env.clientId!,
      client_secret: env.clientSecret!,
    }),
  })
  const tokens = (await exchanged.json()) as { refresh_token?: string }
  if (!tokens.refresh_token)
    throw new Error(`the code exchange answered ${exchanged.status} without a refresh token`)
  return tokens.refresh_token
}

/** One folder of a `runAlone` sequence: the check, on a mock with these deviations on. */
export interface AloneCase {
  folder: string
  deviations: readonly DeviationId[]
}

export interface AloneRuns {
  /** Per case, in order: what its folder's own requests failed and how many assertions ran. */
  cases: { failures: string[]; assertions: number }[]
  /** What went wrong putting the run back before a folder (must be nothing for the verdicts to count). */
  harness: string[]
}

interface PostmanItemJson {
  name: string
  item?: PostmanItemJson[]
  request?: unknown
}

/** What `runAlone` puts back between folders: Newman's run state, as the runtime holds it. */
interface VariableScopeLike {
  clear(): void
  set(key: string, value: unknown): void
}

/**
 * Many folders, each as if run alone, in one Newman run: as each folder's first request is about
 * to start (Newman's `beforeItem`, which the runtime emits and waits for before the item's first
 * script), everything a run carries is put back to where a run starts — the environment to
 * `environment`, the collection variables to the collection's own, globals and `pm.variables`
 * emptied, the cookie jar emptied (the
 * mock's authorize sets its session cookie there through pm.sendRequest), and the in-process
 * mock reset (store, clock, rate-limit windows) with the folder's deviations set — so the
 * folder's first request that needs the grant finds none and the collection obtains one, exactly
 * as when the folder runs by itself. A Newman run costs ~90 ms of CPU before its first request
 * (the script sandbox boots), so 204 one-folder runs spent ~18 CPU-s on boots alone; a
 * start-afresh request before each folder, with its scripts and HTTP round trips, was a further
 * 28 % of the proof's time (docs/BENCH.md, "npm test time").
 */
export function runAlone(
  collection: Record<string, unknown>,
  environment: Record<string, string>,
  cases: readonly AloneCase[],
  mock: Mock,
): Promise<AloneRuns> {
  const folders = new Map<string, PostmanItemJson>()
  const walk = (items: PostmanItemJson[]) => {
    for (const i of items) {
      if (i.item?.some((child) => child.request !== undefined)) folders.set(i.name, i)
      else if (i.item) walk(i.item)
    }
  }
  walk(collection.item as PostmanItemJson[])
  const variables = (collection.variable ?? []) as { key: string; value: string }[]
  /** Which case each request position belongs to, and the position each case starts at. */
  const owner: number[] = []
  const starts = new Map<number, number>()
  const items = cases.map((c, k) => {
    const folder = folders.get(c.folder)
    if (folder === undefined) throw new Error(`no folder ${c.folder} in the collection`)
    starts.set(owner.length, k)
    owner.push(...Array<number>(folder.item!.length).fill(k))
    return folder
  })
  // The jar Newman would make itself (postman-request's, a loose tough-cookie jar), held here so
  // it can be emptied between folders.
  const cookieJar = createRequire(createRequire(import.meta.url).resolve('newman'))(
    'postman-request',
  ).jar() as {
    removeAllCookiesSync(): void
  }
  const options = {
    collection: { ...collection, item: items },
    environment: {
      values: Object.entries(environment).map(([key, value]) => ({ key, value, enabled: true })),
    },
    cookieJar,
    reporters: [],
  } as unknown as NewmanRunOptions
  const result: AloneRuns = { cases: cases.map(() => ({ failures: [], assertions: 0 })), harness: [] }
  return new Promise((resolve, reject) => {
    const emitter = newman.run(options, (err, summary: NewmanRunSummary) => {
      if (err) return reject(err)
      for (const f of summary.run.failures) {
        const item = (f.source as { name?: string } | undefined)?.name ?? '?'
        const test = (f.error as { test?: string }).test
        const line = `${item}: ${test ? `${test}: ` : ''}${f.error.message}`
        const k = owner[(f.cursor as { position?: number }).position ?? -1] ?? -1
        if (k < 0) result.harness.push(line)
        else result.cases[k]!.failures.push(line)
      }
      resolve(result)
    })
    // The runtime's own scopes, which every script reads and writes (its `start` event hands
    // out the run).
    let state:
      | {
          environment: VariableScopeLike
          collectionVariables: VariableScopeLike
          globals: VariableScopeLike
          _variables: VariableScopeLike
        }
      | undefined
    emitter.on('start', (_err: unknown, o: { run?: { state?: typeof state } }) => {
      state = o.run?.state
    })
    emitter.on('beforeItem', (_err: unknown, o: { cursor?: { position?: number } }) => {
      const k = starts.get(o.cursor?.position ?? -1)
      if (k === undefined) return
      try {
        if (state === undefined) throw new Error('Newman handed out no run state at its start')
        state.environment.clear()
        for (const [key, value] of Object.entries(environment)) state.environment.set(key, value)
        state.collectionVariables.clear()
        for (const v of variables) state.collectionVariables.set(v.key, v.value)
        // pm.globals and pm.variables (the run's local scope, which carries over from request to
        // request) start empty; cleared in place, as the item about to run holds these objects.
        state.globals.clear()
        state._variables.clear()
        cookieJar.removeAllCookiesSync()
        mock.control.reset()
        mock.deviations.set(cases[k]!.deviations)
      } catch (e) {
        result.harness.push(`putting the run back before ${cases[k]!.folder}: ${String(e)}`)
      }
    })
    emitter.on('assertion', (_err: unknown, o: { cursor?: { position?: number } }) => {
      const k = owner[o.cursor?.position ?? -1] ?? -1
      if (k >= 0) result.cases[k]!.assertions++
    })
  })
}
