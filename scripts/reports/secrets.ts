import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { NewmanExchange } from '../newman/run.ts'

/**
 * Secrets in reports (DESIGN.md §4): every secret value seen during a run joins a set as it
 * appears; every report file is redacted with it, then scanned, and a hit fails the run.
 */
const SECRET_FIELDS = [
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'client_secret',
  'code_verifier',
  'password',
]
const MIN_LENGTH = 8

export class SecretSet {
  private readonly values = new Set<string>()

  add(value: string | undefined | null): void {
    if (typeof value !== 'string' || value.length < MIN_LENGTH) return
    this.values.add(value)
    // The same value URL- or form-encoded may appear in a logged URL or body.
    const encoded = encodeURIComponent(value)
    if (encoded !== value) this.values.add(encoded)
  }

  /** Secrets in one Newman request/response pair: tokens, codes, credentials, Basic and Bearer values. */
  addExchange(x: NewmanExchange): void {
    for (const name of ['authorization', 'cookie']) {
      const v = x.requestHeaders[name]
      if (v) {
        this.add(v)
        this.add(v.replace(/^\S+\s+/, ''))
      }
    }
    this.add(x.headers['set-cookie'])
    try {
      for (const [k, v] of new URLSearchParams(x.requestBody)) if (SECRET_FIELDS.includes(k)) this.add(v)
    } catch {}
    try {
      const parsed = JSON.parse(x.text) as Record<string, unknown>
      for (const k of SECRET_FIELDS) if (typeof parsed?.[k] === 'string') this.add(parsed[k] as string)
    } catch {}
    for (const m of x.text.matchAll(/name='(code|session_state)' value='([^']+)'/g)) this.add(m[2])
    const location = x.headers.location
    if (location) {
      const q = location.slice(location.search(/[?#]/) + 1)
      for (const [k, v] of new URLSearchParams(q)) if (k === 'code') this.add(v)
    }
  }

  redact(text: string): string {
    let out = text
    // Longest first, so an encoded form does not leave half of a longer secret behind.
    for (const s of [...this.values].sort((a, b) => b.length - a.length))
      out = out.split(s).join('[redacted]')
    return out
  }

  has(text: string): boolean {
    for (const s of this.values) if (text.includes(s)) return true
    return false
  }

  get size(): number {
    return this.values.size
  }
}

function filesUnder(dir: string): string[] {
  let entries: string[]
  try {
    entries = readdirSync(dir)
  } catch {
    return []
  }
  return entries.flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
}

/** Rewrites every file under `dir` with secrets replaced by `[redacted]`; returns how many changed. */
export function redactFiles(dir: string, secrets: SecretSet): number {
  let changed = 0
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'latin1')
    const redacted = secrets.redact(text)
    if (redacted !== text) {
      writeFileSync(file, redacted, 'latin1')
      changed++
    }
  }
  return changed
}

/** Files under `dir` that still contain a known secret (the leak canary scan). */
export function scanForSecrets(dir: string, secrets: SecretSet): string[] {
  return filesUnder(dir).filter((file) => secrets.has(readFileSync(file, 'latin1')))
}
