import newman, { type NewmanRunOptions, type NewmanRunSummary } from 'newman'
import { mockVariables } from '../../collections/model/variables.ts'
import { createMock, type Mock } from '../../mocks/create-mock.ts'
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
  deviations: readonly string[]
}

export interface AloneRuns {
  /** Per case, in order: what its folder's own requests failed and how many assertions ran. */
  cases: { failures: string[]; assertions: number }[]
  /** Failures of the start-afresh requests themselves (must be none for the verdicts to count). */
  harness: string[]
}

interface PostmanItemJson {
  name: string
  item?: PostmanItemJson[]
  request?: unknown
}

const AFRESH = 'start afresh'

/**
 * Many folders, each as if run alone, in one Newman run: before each folder one request puts
 * everything a run carries back to where a run starts — the environment to `environment`, the
 * collection variables to the collection's own, the served mock reset (store, clock, rate-limit
 * windows) and its deviations set — so the folder's first request that needs the grant finds
 * none and the collection obtains one, exactly as when the folder runs by itself (cookies are
 * off on every request; the jar pm.sendRequest fills is emptied for the run's origins). A Newman
 * run costs ~90 ms of CPU before its first request (the script sandbox boots), so 204 one-folder
 * runs spent ~18 CPU-s on boots alone (docs/BENCH.md). Every script is a sandbox execution of
 * ~3 ms, so the start-afresh request has one script (the reset is a pm.sendRequest in it), and
 * its own answer is judged here from Newman's `request` event rather than by a test script.
 */
export function runAlone(
  collection: Record<string, unknown>,
  environment: Record<string, string>,
  cases: readonly AloneCase[],
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
  /** The origins the run's variables name: the only places its requests go. */
  const origins = [
    ...new Set(
      [...Object.values(environment), ...variables.map((v) => v.value)].flatMap((v) => {
        if (!/^https?:\/\//i.test(String(v))) return []
        try {
          return [new URL(String(v)).origin]
        } catch {
          return []
        }
      }),
    ),
  ]
  /** Which case each request position belongs to (-1: the start-afresh request). */
  const owner: number[] = []
  const items = cases.flatMap((c, k) => {
    const folder = folders.get(c.folder)
    if (folder === undefined) throw new Error(`no folder ${c.folder} in the collection`)
    const requests = folder.item!.length
    owner.push(-1, ...Array<number>(requests).fill(k))
    const restore = [
      // pm.sendRequest keeps cookies in the run's jar (the mock's authorize sets its session
      // cookie there); a folder run alone starts with an empty one.
      `${JSON.stringify(origins)}.forEach(function (url) { pm.cookies.jar().clear(url, function () {}); });`,
      'pm.environment.clear();',
      `Object.entries(${JSON.stringify(environment)}).forEach(function (e) { pm.environment.set(e[0], e[1]); });`,
      'pm.collectionVariables.clear();',
      `${JSON.stringify(variables)}.forEach(function (v) { pm.collectionVariables.set(v.key, v.value); });`,
      // A script's pending requests end before its item's request is sent: the reset lands
      // first, then the item sets the deviations.
      "pm.sendRequest({ url: pm.variables.get('controlUrl') + '/__mock/reset', method: 'POST' }, function (err, res) {",
      "  pm.test('POST /__mock/reset succeeds', function () { pm.expect(err).to.equal(null); pm.expect(res.code).to.be.within(200, 299); });",
      '});',
    ]
    return [
      {
        name: `${AFRESH} · reset the mock and set the deviations for ${c.folder}`,
        event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: restore } }],
        request: {
          method: 'POST',
          header: [{ key: 'Content-Type', value: 'application/json' }],
          url: '{{controlUrl}}/__mock/deviations',
          body: { mode: 'raw', raw: JSON.stringify({ set: c.deviations }) },
        },
      },
      folder,
    ]
  })
  const options = {
    collection: { ...collection, item: items },
    environment: {
      values: Object.entries(environment).map(([key, value]) => ({ key, value, enabled: true })),
    },
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
    emitter.on(
      'request',
      (err: Error | null, o: { cursor?: { position?: number }; response?: { code: number } }) => {
        if ((owner[o.cursor?.position ?? -1] ?? -1) >= 0) return
        const code = o.response?.code
        if (err !== null || code === undefined || code < 200 || code > 299)
          result.harness.push(`${AFRESH}: a request answered ${err?.message ?? code}`)
      },
    )
    emitter.on('assertion', (_err: unknown, o: { cursor?: { position?: number } }) => {
      const k = owner[o.cursor?.position ?? -1] ?? -1
      if (k >= 0) result.cases[k]!.assertions++
    })
  })
}
