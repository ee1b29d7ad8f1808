import type { Clock } from './clock.ts'

/**
 * The request journal: one entry per request the mock answered, secrets already redacted
 * (see redact.ts). It is what the grader and the specs read to judge a client from outside.
 * Memory is bounded twice: by a count of entries and by a byte budget, oldest first out; a URL
 * longer than `maxUrlChars` is kept truncated, with its original length noted. `GET
 * /__mock/journal` reads it in pages (`page`).
 */
export interface JournalEntry {
  /** Sequence number within this mock instance. */
  seq: number
  /** Mock-clock time in ms. */
  at: number
  /** `webhook`: an attempt of the mock to deliver a webhook (mocks/dinero/webhook-delivery.ts). */
  service: 'connect' | 'dinero' | 'control' | 'webhook'
  method: string
  /** Path and query, secret values replaced by fingerprints; cut at `maxUrlChars`. */
  url: string
  /** The redacted URL's full length, present only when `url` was cut. */
  urlLength?: number
  contentType: string | null
  status: number
  /** The protocol error code returned, if any (`invalid_grant`, Dinero `42`, …). */
  error?: string
  /** Endpoint-specific facts noted by the handler (grant_type, client auth method, …). */
  details: Record<string, string | number | boolean>
}

export interface JournalPage {
  entries: JournalEntry[]
  /** Pass as `since` for the next page; null when this page reached the newest entry. */
  next: number | null
  /** The oldest sequence number still held (older ones were dropped to keep memory bounded). */
  oldest: number | null
  /** Entries recorded since the mock started and no longer held. */
  dropped: number
}

export interface Journal {
  record(entry: Omit<JournalEntry, 'seq'>): JournalEntry
  entries(filter?: Partial<Pick<JournalEntry, 'service' | 'method'>> & { path?: string }): JournalEntry[]
  /** Entries with `seq > since`, oldest first, at most `limit`. */
  page(options?: { since?: number; limit?: number }): JournalPage
  clear(): void
  readonly size: number
  /** The approximate bytes the held entries take (the figure the budget bounds). */
  readonly bytes: number
}

export interface JournalOptions {
  /** Oldest entries are dropped past this many, so a long soak keeps memory flat. Default 10,000. */
  limit?: number
  /** …and past this many bytes (approximate, as UTF-16 in memory). Default 16 MiB. */
  maxBytes?: number
  /** URLs longer than this are kept cut to it. Default 2,048 characters. */
  maxUrlChars?: number
}

/** `GET /__mock/journal?limit=` default and largest value. */
export const JOURNAL_PAGE = { default: 1_000, max: 10_000 } as const

/** What one entry costs beyond its strings: the object, its fields and the details record. */
const ENTRY_OVERHEAD = 200

function sizeOf(entry: JournalEntry): number {
  let n = ENTRY_OVERHEAD + 2 * (entry.url.length + entry.method.length + (entry.contentType?.length ?? 0))
  for (const [k, v] of Object.entries(entry.details)) n += 16 + 2 * (k.length + String(v).length)
  return n
}

/**
 * A short flat copy. `slice` alone would give V8 a sliced string that keeps the whole original
 * (up to the request-line limit) alive for as long as the entry lives.
 */
const cut = (text: string, chars: number) => Buffer.from(text.slice(0, chars), 'utf8').toString('utf8')

export function createJournal(_clock: Clock, options: JournalOptions = {}): Journal {
  const limit = options.limit ?? 10_000
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024
  const maxUrlChars = options.maxUrlChars ?? 2_048
  let seq = 0
  let items: JournalEntry[] = []
  let sizes: number[] = []
  /** Index of the oldest held entry; the front is compacted away in bulk, not shifted one by one. */
  let head = 0
  let bytes = 0
  let cleared = 0
  const held = () => items.length - head
  const compact = () => {
    if (head < 1024 || head < items.length / 2) return
    items = items.slice(head)
    sizes = sizes.slice(head)
    head = 0
  }
  return {
    record(entry) {
      const long = entry.url.length > maxUrlChars
      const full: JournalEntry = {
        seq: ++seq,
        ...entry,
        ...(long ? { url: cut(entry.url, maxUrlChars), urlLength: entry.url.length } : {}),
      }
      const size = sizeOf(full)
      items.push(full)
      sizes.push(size)
      bytes += size
      while (held() > 1 && (held() > limit || bytes > maxBytes)) {
        bytes -= sizes[head]!
        items[head] = undefined as unknown as JournalEntry
        head++
      }
      compact()
      return full
    },
    entries(filter = {}) {
      const out: JournalEntry[] = []
      for (let i = head; i < items.length; i++) {
        const e = items[i]!
        if (
          (filter.service === undefined || e.service === filter.service) &&
          (filter.method === undefined || e.method === filter.method) &&
          (filter.path === undefined || e.url === filter.path || e.url.startsWith(`${filter.path}?`))
        )
          out.push(e)
      }
      return out
    },
    page({ since = 0, limit: pageLimit = JOURNAL_PAGE.default } = {}) {
      const oldest = held() > 0 ? items[head]!.seq : null
      // Sequence numbers are consecutive, so the first entry after `since` is found by arithmetic.
      const start = oldest === null ? items.length : head + Math.max(0, since + 1 - oldest)
      const end = Math.min(items.length, start + pageLimit)
      const entries = items.slice(start, end)
      return {
        entries,
        next: end < items.length && entries.length > 0 ? entries[entries.length - 1]!.seq : null,
        oldest,
        dropped: seq - held() - cleared,
      }
    },
    clear() {
      cleared += held()
      items = []
      sizes = []
      head = 0
      bytes = 0
    },
    get size() {
      return held()
    },
    get bytes() {
      return bytes
    },
  }
}
