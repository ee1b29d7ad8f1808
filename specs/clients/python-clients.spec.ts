import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PYTHON_CLIENTS } from '../../scripts/python-clients.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'

/**
 * Fidelity judged from outside, in another language: examples/python-client/flows.py drives
 * three unmodified Python clients — Authlib on requests (client_secret_post and _basic),
 * requests-oauthlib, and Authlib's httpx client — through the served mock's code flow with PKCE
 * S256, a refresh and GET /v1/organizations; Authlib also validates the id_token and the access
 * token against the JWKS on the wall clock with no leeway, and replays the spent refresh token.
 * They sign in as the mock's client that must use PKCE (isv_conformance_pkce), so a client
 * that left PKCE out would fail. Every package's version is pinned in
 * examples/python-client/requirements.txt, installed by
 * `npm test`'s pretest (scripts/ensure-test-tools.ts); without them this spec fails, never skips.
 * "At any point in its life": once on a fresh mock, once after its clock travelled an hour and
 * ten minutes ahead and back, as the catalogue's time-travelling checks move it.
 */
const run = promisify(execFile)

interface ClientLine {
  client: string
  rotated: boolean
  organizations: number
  id_token?: string
  replay?: string
}

let target: Target
beforeAll(async () => {
  target = await startTarget('served')
})
afterAll(() => target.close())

async function flows(): Promise<ClientLine[]> {
  // The venv must be the one made from today's requirements.txt: a spec file run on its own skips
  // the pretest, and an older venv would pass with versions the file no longer names.
  const installed = existsSync(PYTHON_CLIENTS.stamp) ? readFileSync(PYTHON_CLIENTS.stamp, 'utf8') : undefined
  if (!existsSync(PYTHON_CLIENTS.python) || installed !== readFileSync(PYTHON_CLIENTS.requirements, 'utf8'))
    throw new Error(
      `${PYTHON_CLIENTS.venv} is missing or was made from another examples/python-client/requirements.txt: npm test's pretest installs the Python clients (node --import tsx scripts/ensure-test-tools.ts); python3 with its venv module is needed`,
    )
  const { stdout } = await run(PYTHON_CLIENTS.python, [PYTHON_CLIENTS.flows, target.connect], {
    timeout: 60_000,
  })
  return stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ClientLine)
}

const EXPECTED: ClientLine[] = [
  {
    client: 'authlib client_secret_post',
    id_token: 'valid',
    rotated: true,
    replay: 'invalid_grant',
    organizations: 3,
  },
  {
    client: 'authlib client_secret_basic',
    id_token: 'valid',
    rotated: true,
    replay: 'invalid_grant',
    organizations: 3,
  },
  { client: 'requests-oauthlib', rotated: true, organizations: 3 },
  { client: 'authlib httpx', rotated: true, organizations: 3 },
]

describe('unmodified Python clients against the served mock', () => {
  it('on a fresh mock: Authlib, requests-oauthlib and httpx complete the PKCE code flow, refresh (rotated), read the organisations (200); the id_token is valid on the wall clock; a replayed refresh token → invalid_grant', {
    timeout: 90_000,
  }, async () => {
    expect(await flows()).toEqual(EXPECTED)
  })

  it('after the mock clock moved 4,200 s ahead and back (POST /__mock/clock 200 each way): the same flows, the same verdicts', {
    timeout: 90_000,
  }, async () => {
    for (const advanceSeconds of [4_200, -4_200]) {
      const moved = await target.call('connect', '/__mock/clock', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ advanceSeconds }),
      })
      expect(moved.status).toBe(200)
    }
    expect(await flows()).toEqual(EXPECTED)
  })
})
