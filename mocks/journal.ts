import type { Clock } from './clock.ts'

/**
 * The request journal: one entry per request the mock answered, secrets already redacted
 * (see redact.ts). It is what the grader and the specs read to judge a client from outside.
 */
export interface JournalEntry {
  /** Sequence number within this mock instance. */
  seq: number
  /** Mock-clock time in ms. */
  at: number
  service: 'connect' | 'dinero' | 'control'
  method: string
  /** Path and query, secret values replaced by fingerprints. */
  url: string
  contentType: string | null
  status: number
  /** The protocol error code returned, if any (`invalid_grant`, Dinero `42`, …). */
  error?: string
  /** Endpoint-specific facts noted by the handler (grant_type, client auth method, …). */
  details: Record<string, string | number | boolean>
}

export interface Journal {
  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry
  entries(filter?: Partial<Pick<JournalEntry, 'service' | 'method'>> & { path?: string }): JournalEntry[]
  clear(): void
  readonly size: number
}

export interface JournalOptions {
  /** Oldest entries are dropped past this many, so a long soak keeps memory flat. */
  limit?: number
}

export function createJournal(_clock: Clock, options: JournalOptions = {}): Journal {
  const limit = options.limit ?? 10_000
  let seq = 0
  let items: JournalEntry[] = []
  return {
    record(entry) {
      const full: JournalEntry = { seq: ++seq, ...entry }
      items.push(full)
      if (items.length > limit) items = items.slice(items.length - Math.floor(limit / 2))
      return full
    },
    entries(filter = {}) {
      return items.filter(
        (e) =>
          (filter.service === undefined || e.service === filter.service) &&
          (filter.method === undefined || e.method === filter.method) &&
          (filter.path === undefined || e.url === filter.path || e.url.startsWith(`${filter.path}?`)),
      )
    },
    clear() {
      items = []
    },
    get size() {
      return items.length
    },
  }
}
