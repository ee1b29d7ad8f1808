import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { HarnessError } from '../../scripts/errors.ts'
import { assertNoLeaks, REDACTED, redactFile, SecretSet, scanForLeaks } from '../../scripts/live/secrets.ts'
import { tempDir } from './support/process.ts'

/** The leak canary: a planted secret in any report file fails the run, naming the file, never the secret. */
const tmp = tempDir('redaction')
afterAll(() => tmp.cleanup())

const CANARY = 'canary-7F3A9C2E-refresh-token'

function secrets(): SecretSet {
  const s = new SecretSet()
  s.add('client secret with spaces/&+')
  s.addBasic('isv_client', 'client secret with spaces/&+')
  return s
}

describe('secret redaction and the leak scan', () => {
  it('a planted canary in a nested report file is caught: HARNESS_SECRET_LEAK names the file, not the secret', () => {
    const reports = join(tmp.dir, 'reports')
    mkdirSync(join(reports, 'allure'), { recursive: true })
    writeFileSync(join(reports, 'summary.md'), '| check | pass |\n')
    writeFileSync(join(reports, 'allure', 'result.json'), JSON.stringify({ body: `refresh_token=${CANARY}` }))
    const s = secrets()
    expect(scanForLeaks([reports], s)).toEqual([])
    // Tokens join the set as they appear during a run.
    s.add(CANARY)
    expect(scanForLeaks([reports], s)).toEqual([join(reports, 'allure', 'result.json')])
    let error: HarnessError | undefined
    try {
      assertNoLeaks([reports], s, tmp.dir)
    } catch (e) {
      error = e as HarnessError
    }
    expect(error?.code).toBe('HARNESS_SECRET_LEAK')
    expect(error?.message).toContain(join('reports', 'allure', 'result.json'))
    expect(error?.message).not.toContain(CANARY)
  })

  it('the wire forms of a secret (URL-encoded, form-encoded, JSON-escaped, inside a Basic header) are caught and redacted', () => {
    const s = secrets()
    const leaks = [
      'client_secret=client+secret+with+spaces%2F%26%2B',
      'client_secret=client%20secret%20with%20spaces%2F%26%2B',
      `{"secret":${JSON.stringify('client secret with spaces/&+')}}`,
      `Authorization: Basic ${Buffer.from('isv_client:client+secret+with+spaces%2F%26%2B').toString('base64')}`,
    ]
    leaks.forEach((text, i) => {
      const file = join(tmp.dir, `leak-${i}.txt`)
      writeFileSync(file, text)
      expect(scanForLeaks([file], s), text).toEqual([file])
      redactFile(file, s)
      expect(scanForLeaks([file], s)).toEqual([])
    })
    expect(s.redact('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig')).toBe(
      `Authorization: Bearer ${REDACTED}`,
    )
    expect(s.redact('Cookie: idsrv=abc; other=1')).toBe(`Cookie: ${REDACTED}`)
  })
})
