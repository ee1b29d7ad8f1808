import { outputFilesUnder, readOutputFile, writeOutputFile } from '../cli/paths.ts'
import { SecretSet, scanForLeaks } from '../live/secrets.ts'
import type { NewmanExchange } from '../newman/run.ts'

/**
 * Secrets in reports, for the main job: the one SecretSet (scripts/live/secrets.ts)
 * fed from every Newman exchange as it happens, every report file redacted with it, then the
 * leak scan; a hit fails the run.
 */
export { SecretSet }

const SECRET_FIELDS = ['code', 'client_secret', 'code_verifier', 'refresh_token', 'password']

/** Secrets in one Newman request/response pair: tokens, codes, credentials, Basic and Bearer values. */
export function addExchange(secrets: SecretSet, x: NewmanExchange): void {
  const authorization = x.requestHeaders.authorization
  // The credentials, not the scheme: `Basic ` itself is no secret.
  if (authorization) secrets.add(authorization.replace(/^\S+\s+/, ''))
  // Cookie values only: the names and attributes (`path=/; secure`) are the same for everyone.
  for (const pair of (x.requestHeaders.cookie ?? '').split(';')) secrets.add(cookieValue(pair))
  for (const line of (x.headers['set-cookie'] ?? '').split('\n'))
    secrets.add(cookieValue(line.split(';')[0] ?? ''))
  for (const [k, v] of new URLSearchParams(x.requestBody)) if (SECRET_FIELDS.includes(k)) secrets.add(v)
  try {
    secrets.addTokenResponse(JSON.parse(x.text))
  } catch {}
  for (const m of x.text.matchAll(/name='(code|session_state)' value='([^']+)'/g)) secrets.add(m[2])
  const location = x.headers.location
  if (location) {
    // The query and the fragment each: a code may come in either (response_mode=fragment).
    const hash = location.indexOf('#')
    const query = location.indexOf('?')
    const parts = [
      query >= 0 && (hash < 0 || query < hash) ? location.slice(query + 1, hash < 0 ? undefined : hash) : '',
      hash >= 0 ? location.slice(hash + 1) : '',
    ]
    for (const part of parts)
      for (const [k, v] of new URLSearchParams(part))
        if (k === 'code' || k === 'access_token' || k === 'id_token') secrets.add(v)
  }
}

function cookieValue(pair: string): string | undefined {
  const eq = pair.indexOf('=')
  return eq < 0 ? undefined : pair.slice(eq + 1).trim()
}

/**
 * Rewrites every file at or under `dir` (scripts/cli/paths.ts outputFilesUnder) with secrets
 * replaced by `[redacted]` (SecretSet.redactBytes: text as UTF-8, a binary file as latin1, so its
 * bytes survive); returns how many changed.
 */
export function redactFiles(dir: string, secrets: SecretSet): number {
  let changed = 0
  for (const file of outputFilesUnder(dir)) {
    const bytes = readOutputFile(file)
    if (bytes === undefined) continue
    const redacted = secrets.redactBytes(bytes)
    if (redacted !== undefined) {
      writeOutputFile(file, redacted)
      changed++
    }
  }
  return changed
}

/** Files under `dir` that still contain a known secret (the leak canary scan). */
export function scanForSecrets(dir: string, secrets: SecretSet): string[] {
  return scanForLeaks([dir], secrets)
}
