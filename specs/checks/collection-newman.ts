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
