import { isAscii } from 'node:buffer'
import { readFileSync } from 'node:fs'
import { relative } from 'node:path'
import { outputFilesUnder, readOutputFile, writeOutputFile } from '../cli/paths.ts'
import { HarnessError } from '../errors.ts'
import { REDACTED, SECRET_MIN, SecretIndex } from '../redaction.ts'

/**
 * The run's secrets: the client secret, codes, access, refresh and id tokens, Basic credentials.
 * Each value is kept with the forms it takes on the wire and in reports — URL-encoded,
 * form-encoded, JSON-escaped, base64 and base64url (at each of the three byte alignments, so it is
 * found inside a longer encoded blob too) — and values join as they appear during the run. A
 * match is a known value or any run of 16+ characters of one (scripts/redaction.ts), so a token
 * cut short in a failure line is still caught. Then
 * - `redact` replaces them in text, and also any `Authorization`-style credentials of values it
 *   was never told about: `Bearer` followed by a token (16+ token characters with a digit),
 *   `Basic` followed by base64 that decodes to `id:secret` (RFC 7617), a Cookie header's value —
 *   but never an ordinary word ("refresh with Basic credentials" stays as it is);
 * - `installConsoleRedaction` routes stdout/stderr through `redact`;
 * - `scanForLeaks` is the leak canary at the end of a run: a known secret or a fragment of one in
 *   any file → a hit.
 */
export { REDACTED }

/** Shortest base64 piece looked for: shorter ones would match other base64 by chance. */
const ENCODED_MIN = 12

const BEARER = /\b(Bearer)\s+(?=[A-Za-z0-9._~+/-]*[0-9])[A-Za-z0-9._~+/-]{16,}=*/g
const BASIC = /\b(Basic)\s+([A-Za-z0-9+/]{8,}={0,2})(?![A-Za-z0-9+/=])/g
const TOKEN_NAME = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const COOKIE_HEADER = new RegExp(`^([ \\t]*(?:set-)?cookie[ \\t]*:[ \\t]*)${TOKEN_NAME}=[^\\r\\n]*`, 'gim')
const COOKIE_JSON = new RegExp(`("(?:set-)?cookie"\\s*:\\s*")${TOKEN_NAME}=(?:[^"\\\\]|\\\\.)*`, 'gi')

/** Base64 of `id:secret` (or of `id:`), the shape of Basic credentials; anything else is left alone. */
function isBasicCredentials(b64: string): boolean {
  if (b64.length % 4 !== 0) return false
  const decoded = Buffer.from(b64, 'base64').toString('utf8')
  // Printable text only: a word that happens to be valid base64 decodes to control bytes or U+FFFD.
  return decoded.includes(':') && [...decoded].every((c) => c >= ' ' && c !== '\x7f' && c !== '\ufffd')
}

/**
 * The base64 and base64url characters that depend only on the value's bytes, for the value
 * starting at byte offset 0, 1 or 2 of a longer encoded blob.
 */
function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const forms = [bytes.toString('base64')]
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes])
    const from = Math.ceil((8 * offset) / 6)
    const to = Math.floor((8 * (offset + bytes.length)) / 6)
    for (const encoding of ['base64', 'base64url'] as const)
      forms.push(shifted.toString(encoding).slice(from, to))
  }
  return forms.filter((f) => f.length >= ENCODED_MIN)
}

function wireForms(value: string): string[] {
  const uri = encodeURIComponent(value)
  return [value, uri, uri.replace(/%20/g, '+'), JSON.stringify(value).slice(1, -1), ...encodedForms(value)]
}

export class SecretSet {
  private readonly index = new SecretIndex()

  add(...values: (string | undefined | null)[]): void {
    for (const value of values) {
      if (typeof value !== 'string' || value.length < SECRET_MIN) continue
      for (const form of wireForms(value)) this.index.add(form)
    }
  }

  /** The Basic header of a client (RFC 6749 §2.3.1: both halves form-encoded, and the raw variant). */
  addBasic(clientId: string, secret: string): void {
    if (secret.length < SECRET_MIN) return
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
    for (const k of ['access_token', 'refresh_token', 'id_token', 'code']) {
      if (typeof r[k] === 'string') this.add(r[k])
    }
  }

  /** Whether this exact value (or one of its forms) is known. */
  has(value: string): boolean {
    return this.index.has(value)
  }

  /** Whether the text holds a known secret or a fragment of one. */
  leaks(text: string): boolean {
    return this.index.test(text)
  }

  redact(text: string): string {
    return this.index
      .redact(text)
      .replace(BEARER, `$1 ${REDACTED}`)
      .replace(BASIC, (all, scheme: string, b64: string) =>
        isBasicCredentials(b64) ? `${scheme} ${REDACTED}` : all,
      )
      .replace(COOKIE_HEADER, `$1${REDACTED}`)
      .replace(COOKIE_JSON, `$1${REDACTED}`)
  }

  /**
   * A file's bytes redacted: as UTF-8 text when they are text (they decode and encode back the
   * same, a NUL byte or not: a non-ASCII secret in a text with a NUL was missed as latin1), else
   * as latin1, so the bytes of a binary file (a screenshot) survive. Undefined when nothing changed.
   */
  redactBytes(bytes: Buffer): Buffer | undefined {
    const utf8 = bytes.toString('utf8')
    const encoding = Buffer.from(utf8, 'utf8').equals(bytes) ? 'utf8' : 'latin1'
    const text = encoding === 'utf8' ? utf8 : bytes.toString('latin1')
    const redacted = this.redact(text)
    return redacted === text ? undefined : Buffer.from(redacted, encoding)
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

/** Redacts a report file in place (JUnit, exported environments). */
export function redactFile(path: string, secrets: SecretSet): void {
  const redacted = secrets.redactBytes(readFileSync(path))
  if (redacted !== undefined) writeOutputFile(path, redacted)
}

/** Files (under the given files or directories) that contain a known secret or a fragment of one. Never returns the secret. */
export function scanForLeaks(paths: readonly string[], secrets: SecretSet): string[] {
  const hits: string[] = []
  for (const file of paths.flatMap((p) => outputFilesUnder(p))) {
    const bytes = readOutputFile(file)
    if (bytes === undefined) continue
    // Read as UTF-8 and, unless it is plain ASCII (where both agree), as latin1 too (a binary file's bytes).
    if (secrets.leaks(bytes.toString('utf8')) || (!isAscii(bytes) && secrets.leaks(bytes.toString('latin1'))))
      hits.push(file)
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
