import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { HarnessError } from '../errors.ts'

/**
 * The live run's secrets (issue 5): the client secret, codes, access, refresh and
 * id tokens, Basic credentials. Each value is kept with the forms it takes on the wire
 * (URL-encoded, form-encoded, JSON-escaped), values join as they appear during the run, and
 * - `redact` replaces them (and any `Basic …` / `Bearer …` / cookie value) in text;
 * - `installConsoleRedaction` routes stdout/stderr through `redact`;
 * - `scanForLeaks` is the leak canary at the end of a run: any known secret in any file → a hit.
 */
export const REDACTED = '[redacted]'
const MIN_LENGTH = 6

const PATTERNS: [RegExp, string][] = [
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/g, `$1 ${REDACTED}`],
  [/\b((?:set-)?cookie\s*[:=]\s*)[^\r\n"]+/gi, `$1${REDACTED}`],
]

function wireForms(value: string): string[] {
  const uri = encodeURIComponent(value)
  return [value, uri, uri.replace(/%20/g, '+'), JSON.stringify(value).slice(1, -1)]
}

export class SecretSet {
  private readonly values = new Set<string>()
  private sorted: string[] | undefined

  add(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < MIN_LENGTH) continue
      for (const f of wireForms(value)) {
        if (!this.values.has(f)) {
          this.values.add(f)
          this.sorted = undefined
        }
      }
    }
  }

  /** The Basic header of a client (RFC 6749 §2.3.1: both halves form-encoded, and the raw variant). */
  addBasic(clientId: string, secret: string): void {
    if (secret.length < MIN_LENGTH) return
    const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+')
    this.add(
      Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString('base64'),
      Buffer.from(`${clientId}:${secret}`).toString('base64'),
    )
  }

  /** Every token-like field of an OAuth response body. */
  addTokenResponse(body: unknown): void {
    if (body === null || typeof body !== 'object') return
    const r = body as Record<string, unknown>
    for (const k of ['access_token', 'refresh_token', 'id_token']) {
      if (typeof r[k] === 'string') this.add(r[k])
    }
  }

  has(value: string): boolean {
    return this.values.has(value)
  }

  list(): readonly string[] {
    this.sorted ??= [...this.values].sort((a, b) => b.length - a.length)
    return this.sorted
  }

  redact(text: string): string {
    let out = text
    for (const s of this.list()) if (out.includes(s)) out = out.split(s).join(REDACTED)
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement)
    return out
  }
}

/** Routes everything written to stdout/stderr through the secret set (defence in depth). */
export function installConsoleRedaction(secrets: SecretSet): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const text =
        typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk)
      return write(secrets.redact(text), ...rest)
    }) as typeof stream.write
  }
}

function filesUnder(path: string): string[] {
  let st: ReturnType<typeof statSync>
  try {
    st = statSync(path)
  } catch {
    return []
  }
  if (st.isFile()) return [path]
  if (!st.isDirectory()) return []
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)))
}

/** Redacts a report file in place (JUnit, exported environments). */
export function redactFile(path: string, secrets: SecretSet): void {
  const text = readFileSync(path, 'utf8')
  const clean = secrets.redact(text)
  if (clean !== text) writeFileSync(path, clean)
}

/** Files (under the given files or directories) that contain any known secret. Never returns the secret. */
export function scanForLeaks(paths: readonly string[], secrets: SecretSet): string[] {
  const hits: string[] = []
  const needles = secrets.list()
  for (const file of paths.flatMap(filesUnder)) {
    const bytes = readFileSync(file)
    const texts = [bytes.toString('utf8'), bytes.toString('latin1')]
    if (needles.some((s) => texts.some((t) => t.includes(s)))) hits.push(file)
  }
  return hits
}

/** The run's last step: throws HARNESS_SECRET_LEAK naming the files (never the secret). */
export function assertNoLeaks(paths: readonly string[], secrets: SecretSet, cwd = process.cwd()): void {
  const hits = scanForLeaks(paths, secrets)
  if (hits.length > 0)
    throw new HarnessError(
      'HARNESS_SECRET_LEAK',
      `a known secret appears in ${hits.map((h) => relative(cwd, h) || h).join(', ')}: delete the file and rotate the secret`,
    )
}
