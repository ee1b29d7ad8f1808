import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { catalogue } from '../../collections/catalogue/index.ts'
import { generateAllure } from '../../scripts/reports/allure.ts'
import { writeAllureResults } from '../../scripts/reports/allure-results.ts'
import { junitXml } from '../../scripts/reports/junit.ts'
import type { CheckOutcome } from '../../scripts/reports/outcomes.ts'
import { scanReports } from '../../scripts/reports/scan.ts'
import { addExchange, redactFiles, SecretSet, scanForSecrets } from '../../scripts/reports/secrets.ts'

/** Folders the tests make, removed when the file ends. */
const made: string[] = []
const scratch = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** The leak canary: a secret planted in a report is found by the scan, and redaction removes it. */
describe('report secret scan', () => {
  const canary = 'CANARY-7f3a9c1e5b2d4a6f8e0c'

  const plant = () => {
    const dir = scratch('reports-')
    mkdirSync(join(dir, 'nested'))
    writeFileSync(join(dir, 'clean.xml'), '<testsuite name="ok"/>')
    writeFileSync(join(dir, 'nested', 'leaky.json'), JSON.stringify({ note: `token=${canary}` }))
    return dir
  }

  it('finds a planted secret in a nested report file, and only there', () => {
    const dir = plant()
    const secrets = new SecretSet()
    secrets.add(canary)
    expect(scanForSecrets(dir, secrets)).toEqual([join(dir, 'nested', 'leaky.json')])
  })

  it('a reports folder named through a symbolic link (a CI workspace linking reports/ elsewhere) is scanned and redacted like the folder itself; links below it are still not followed', () => {
    const dir = plant()
    const link = `${dir}-link`
    symlinkSync(dir, link)
    made.push(link)
    const outside = scratch('outside-')
    writeFileSync(join(outside, 'not-a-report.txt'), `token=${canary}`)
    symlinkSync(outside, join(dir, 'linked-away'))
    const secrets = new SecretSet()
    secrets.add(canary)
    expect(scanForSecrets(link, secrets)).toEqual([join(link, 'nested', 'leaky.json')])
    expect(scanReports(link, secrets)).toEqual([join(link, 'nested', 'leaky.json')])
    expect(redactFiles(link, secrets)).toBe(1)
    expect(readFileSync(join(dir, 'nested', 'leaky.json'), 'utf8')).toContain('[redacted]')
    expect(readFileSync(join(outside, 'not-a-report.txt'), 'utf8')).toBe(`token=${canary}`)
  })

  it("passes over only another run's folder in progress (`.<name>.staging-<12 hex>`, `.<name>.removed-<12 hex>`): a file of such a name, or a folder like `.env.staging-eu`, is scanned", () => {
    const dir = scratch('reports-')
    const secrets = new SecretSet()
    secrets.add(canary)
    const plantAt = (path: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true })
      writeFileSync(join(dir, path), `token=${canary}`)
    }
    plantAt('.env.staging-eu')
    plantAt('.allure-report.staging-0123456789ab')
    plantAt('.config.staging-eu/app.env')
    plantAt('.allure-results.staging-0123456789ab/in-progress-result.json')
    plantAt('.allure-report.removed-0123456789ab/index.html')
    expect(scanForSecrets(dir, secrets).sort()).toEqual(
      [
        join(dir, '.allure-report.staging-0123456789ab'),
        join(dir, '.config.staging-eu', 'app.env'),
        join(dir, '.env.staging-eu'),
      ].sort(),
    )
  })

  it('finds the URL-encoded form of a secret too', () => {
    const dir = scratch('reports-')
    const secret = 'se:cr+et %41/ü-long'
    writeFileSync(join(dir, 'url.txt'), `GET /x?client_secret=${encodeURIComponent(secret)}`)
    const secrets = new SecretSet()
    secrets.add(secret)
    expect(scanForSecrets(dir, secrets)).toHaveLength(1)
  })

  it('redaction replaces every occurrence, after which the scan is clean', () => {
    const dir = plant()
    const secrets = new SecretSet()
    secrets.add(canary)
    expect(redactFiles(dir, secrets)).toBe(1)
    expect(readFileSync(join(dir, 'nested', 'leaky.json'), 'utf8')).toContain('[redacted]')
    expect(scanForSecrets(dir, secrets)).toEqual([])
  })

  it('flags a report holding only the first 200 characters of a token (a failure line cut short), and redaction clears it', () => {
    const dir = scratch('reports-')
    const secrets = new SecretSet()
    const token = `eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K0pXVCJ9.${Buffer.from(JSON.stringify({ sub: 'u-1', scope: 'dineropublicapi:read offline_access', jti: 'x'.repeat(300) })).toString('base64url')}.c2lnbmF0dXJl`
    secrets.addTokenResponse({ access_token: token })
    writeFileSync(join(dir, 'summary.md'), `- expected 401, got 200: ${token.slice(0, 200)}\n`)
    expect(scanForSecrets(dir, secrets)).toEqual([join(dir, 'summary.md')])
    expect(redactFiles(dir, secrets)).toBe(1)
    expect(scanForSecrets(dir, secrets)).toEqual([])
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe('- expected 401, got 200: [redacted]\n')
  })

  it('takes cookie values from an exchange, not the names and attributes everyone shares', () => {
    const secrets = new SecretSet()
    addExchange(secrets, {
      code: 302,
      text: '',
      headers: {
        'set-cookie':
          'idsrv.session=5C1F9A7E3B2D4C6A8E0F1B3D5C7E9A2F; path=/; secure; samesite=none; httponly',
      },
      requestHeaders: { cookie: 'idsrv=0123456789ABCDEF0123; lang=da' },
      requestBody: '',
    })
    expect(secrets.redact('x5C1F9A7E3B2D4C6A8E0F1B3D5C7E9A2Fx')).toBe('x[redacted]x')
    expect(secrets.redact('x0123456789ABCDEF0123x')).toBe('x[redacted]x')
    const attributes = 'set-cookie attributes: path=/; secure; samesite=none; httponly'
    expect(secrets.redact(attributes)).toBe(attributes)
  })

  it('takes a code from a Location fragment as well as its query (response_mode=fragment)', () => {
    const secrets = new SecretSet()
    addExchange(secrets, {
      code: 302,
      text: '',
      headers: { location: 'https://app.example/cb?x=1#code=FRAGCODE1234567&state=s' },
      requestHeaders: {},
      requestBody: '',
    })
    expect(secrets.redact('seen FRAGCODE1234567 here')).toBe('seen [redacted] here')
  })

  it('collects tokens, codes and credentials from a Newman exchange', () => {
    const secrets = new SecretSet()
    addExchange(secrets, {
      code: 200,
      text: JSON.stringify({ access_token: 'eyJhbGciOi.payload.sig', refresh_token: 'A'.repeat(64) }),
      headers: { location: 'http://127.0.0.1:8976/callback?code=CODE1234567890&state=s' },
      requestHeaders: { authorization: 'Basic aXN2OnNlY3JldA==' },
      requestBody: 'grant_type=authorization_code&code=CODE0987654321&client_secret=topsecret1',
    })
    for (const s of [
      'eyJhbGciOi.payload.sig',
      'A'.repeat(64),
      'CODE1234567890',
      'aXN2OnNlY3JldA==',
      'CODE0987654321',
      'topsecret1',
    ]) {
      expect(secrets.redact(`x${s}x`)).toBe('x[redacted]x')
    }
    expect(secrets.redact('grant_type=authorization_code')).toBe('grant_type=authorization_code')
  })

  describe('the Allure results and JUnit written from check outcomes', () => {
    const check = catalogue.find((c) => c.id === 'connect.client-auth.basic')!
    const clientSecret = 'client-secret-4d2a9f7c1e'
    const accessToken = `eyJhbGciOiJSUzI1NiJ9.${'A'.repeat(40)}.sig-${'b'.repeat(30)}`
    const outcome: CheckOutcome = {
      check,
      passed: false,
      failures: [`refresh: status is 200: got 400 for client_secret=${clientSecret}`],
      exchanges: [
        {
          step: 'refresh',
          method: 'POST',
          url: 'http://127.0.0.1:4010/connect/token',
          status: 400,
          requestHeaders: { authorization: `Bearer ${accessToken}` },
          requestBody: `grant_type=refresh_token&client_secret=${clientSecret}`,
          responseHeaders: { 'content-type': 'application/json' },
          responseBody: JSON.stringify({ error: 'invalid_request', access_token: accessToken }),
          failures: [`status is 200: got 400 (${clientSecret})`],
          durationMs: 3,
        },
      ],
    }
    const secrets = () => {
      const set = new SecretSet()
      set.add(clientSecret)
      set.addTokenResponse({ access_token: accessToken })
      return set
    }

    it('write no secret into any result, attachment or JUnit file, and keep the port in the request URL', () => {
      const dir = scratch('reports-')
      const set = secrets()
      writeAllureResults(join(dir, 'allure-results'), [outcome], {
        target: 'mock',
        runner: 'newman',
        started: 0,
        secrets: set,
      })
      writeFileSync(join(dir, 'junit.xml'), set.redact(junitXml([outcome], { name: 'x' })))
      const files = readdirSync(join(dir, 'allure-results'))
      expect(files.filter((f) => f.endsWith('-attachment.txt'))).toHaveLength(2)
      const all = files.map((f) => readFileSync(join(dir, 'allure-results', f), 'utf8')).join('\n')
      expect(all).toContain('POST http://127.0.0.1:4010/connect/token')
      expect(all).not.toContain(clientSecret)
      expect(all).not.toContain(accessToken.slice(0, 40))
      expect(scanReports(dir, set)).toEqual([])
    })

    it('a canary planted in an Allure attachment is caught by the leak scan, naming that file', () => {
      const dir = scratch('reports-')
      const set = secrets()
      writeAllureResults(join(dir, 'allure-results'), [outcome], {
        target: 'mock',
        runner: 'newman',
        started: 0,
        secrets: set,
      })
      const attachment = readdirSync(join(dir, 'allure-results')).find((f) => f.endsWith('-attachment.txt'))!
      const path = join(dir, 'allure-results', attachment)
      writeFileSync(path, `${readFileSync(path, 'utf8')}\n${canary}`)
      set.add(canary)
      expect(scanReports(dir, set)).toEqual([path])
    })

    it('a canary inside the single-file Allure HTML (base64-embedded) is caught by the decoded scan', () => {
      const dir = scratch('reports-')
      mkdirSync(join(dir, 'allure-report'))
      const html = join(dir, 'allure-report', 'index.html')
      const embed = (text: string) => Buffer.from(text).toString('base64')
      writeFileSync(
        html,
        `<script>window.allureReportData = {}; d("data/attachments/a.txt","${embed('HTTP 200')}"),d("data/attachments/b.txt","${embed(`body ${canary} end`)}")</script>`,
      )
      const set = new SecretSet()
      set.add(canary)
      expect(scanReports(dir, set)).toEqual([html])
    })
  })
})

describe('the Allure HTML step cannot fail a run', () => {
  it('TMPDIR naming no folder → generateAllure answers a failure message (the checks’ verdict stands), where mkdtemp threw and a green run ended HARNESS_INTERNAL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allure-tmpdir-'))
    const results = join(dir, 'results')
    mkdirSync(results)
    writeFileSync(join(results, 'x-result.json'), '{}')
    const saved = process.env.TMPDIR
    process.env.TMPDIR = join(dir, 'no-such-folder')
    try {
      const answer = generateAllure({ resultsDirs: [results], output: join(dir, 'report'), name: 'x' })
      expect(answer).toMatchObject({ ok: false })
      expect(answer.message).toMatch(/^allure generate failed: no temporary folder \(ENOENT\)/)
    } finally {
      if (saved === undefined) delete process.env.TMPDIR
      else process.env.TMPDIR = saved
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('the leak scan and the files that hold secrets by design', () => {
  it('the .env and token store named as homes are skipped; a copy beside them (.env.bak, tokens.json.bak) is a leak', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scan-homes-'))
    try {
      const secret = 'a-client-secret-0123456789abcdef'
      const set = new SecretSet()
      set.add(secret)
      for (const name of ['.env', '.env.bak', 'tokens.json', 'tokens.json.bak'])
        writeFileSync(join(dir, name), `DINERO_CLIENT_SECRET=${secret}\n`)
      const leaks = scanReports(dir, set, [join(dir, '.env'), join(dir, 'tokens.json')])
      expect(leaks.sort()).toEqual([join(dir, '.env.bak'), join(dir, 'tokens.json.bak')])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
