import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addExchange, redactFiles, SecretSet, scanForSecrets } from '../../scripts/reports/secrets.ts'

/** The leak canary: a secret planted in a report is found by the scan, and redaction removes it. */
describe('report secret scan', () => {
  const canary = 'CANARY-7f3a9c1e5b2d4a6f8e0c'

  const plant = () => {
    const dir = mkdtempSync(join(tmpdir(), 'reports-'))
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

  it('finds the URL-encoded form of a secret too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reports-'))
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
    const dir = mkdtempSync(join(tmpdir(), 'reports-'))
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
})
