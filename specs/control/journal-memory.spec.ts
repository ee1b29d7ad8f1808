import { type ChildProcess, fork } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClock } from '../../mocks/clock.ts'
import { createJournal, JOURNAL_PAGE, type JournalEntry } from '../../mocks/journal.ts'
import { pipelinedGets } from './support/pipelined.ts'

/**
 * The journal's memory stays bounded under requests with long URLs: 50,000 requests with 15 KB
 * query strings to a served mock in a child process (before the byte budget, 50,000 of them took
 * the mock from ~105 MB to 384–941 MB RSS, and GET /__mock/journal answered 77 MB). 50,000 is five
 * times the entry cap and 750 MB of query strings: a mock that kept each one would pass the RSS
 * bound on those alone. The requests go out pipelined over raw sockets (support/pipelined.ts), so
 * the load costs the test run the mock's own work and little more.
 */
const REQUESTS = 50_000
const QUERY_CHARS = 15_000
const BUDGET = 16 * 1024 * 1024
/** Generous: a fresh served mock sits near 100 MB; the entries may add at most the budget. */
const RSS_BOUND = 300 * 1024 * 1024

interface Measure {
  rss: number
  heapUsed: number
  journalBytes: number
  journalSize: number
}

const entry = (url: string): Omit<JournalEntry, 'seq'> => ({
  at: 0,
  service: 'connect',
  method: 'GET',
  url,
  contentType: null,
  status: 200,
  details: {},
})

describe('journal limits (in memory)', () => {
  it('cuts a URL over 2,048 characters and records its full length', () => {
    const journal = createJournal(createClock())
    const recorded = journal.record(entry(`/x?q=${'a'.repeat(10_000)}`))
    expect(recorded.url).toHaveLength(2_048)
    expect(recorded.urlLength).toBe(10_005)
    expect(journal.record(entry('/short')).urlLength).toBeUndefined()
  })

  it('drops the oldest entries past the byte budget, and counts them as dropped', () => {
    const journal = createJournal(createClock(), { maxBytes: 100_000 })
    for (let i = 0; i < 1_000; i++) journal.record(entry(`/x?q=${'a'.repeat(1_000)}`))
    expect(journal.bytes).toBeLessThanOrEqual(100_000)
    expect(journal.size).toBeLessThan(1_000)
    const page = journal.page({ limit: JOURNAL_PAGE.max })
    expect(page.entries).toHaveLength(journal.size)
    expect(page.dropped + journal.size).toBe(1_000)
    expect(page.oldest).toBe(1_000 - journal.size + 1)
  })

  it('pages with since and limit: next points at the last entry given, null at the newest', () => {
    const journal = createJournal(createClock())
    for (let i = 0; i < 25; i++) journal.record(entry(`/p${i}`))
    const first = journal.page({ limit: 10 })
    expect(first.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(first.next).toBe(10)
    const last = journal.page({ since: 20, limit: 10 })
    expect(last.entries.map((e) => e.seq)).toEqual([21, 22, 23, 24, 25])
    expect(last.next).toBeNull()
    expect(journal.page({ since: 25 }).entries).toEqual([])
  })
})

describe('journal memory under 50,000 requests with 15 KB query strings (served, child process)', () => {
  let child: ChildProcess
  let origin: string
  const ask = async (): Promise<Measure> => {
    child.send('measure')
    const [reply] = (await once(child, 'message')) as [Measure]
    return reply
  }
  let before: Measure
  let after: Measure
  let statuses: Map<number, number>

  beforeAll(async () => {
    child = fork('specs/control/support/journal-child.ts', [], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    const [hello] = (await once(child, 'message')) as [{ origin: string }]
    origin = hello.origin
    before = await ask()
    const pad = 'a'.repeat(QUERY_CHARS)
    statuses = await pipelinedGets(
      origin,
      (i) => `/.well-known/openid-configuration?n=${i}&pad=${pad}`,
      REQUESTS,
      { connections: 4, window: 32 },
    )
    after = await ask()
  }, 120_000)

  afterAll(async () => {
    child.send('close')
    await once(child, 'exit')
  })

  it('every request is answered 200', () => {
    expect([...statuses]).toEqual([[200, REQUESTS]])
  })

  it(`the journal stays within its ${BUDGET / 1024 / 1024} MiB budget and 10,000 entries`, () => {
    expect(after.journalBytes).toBeLessThanOrEqual(BUDGET)
    expect(after.journalSize).toBeLessThanOrEqual(10_000)
    expect(after.journalSize).toBeGreaterThan(1_000)
  })

  it(`the mock's RSS stays under ${RSS_BOUND / 1024 / 1024} MB and its heap grows by less than twice the budget`, () => {
    expect(after.rss).toBeLessThan(RSS_BOUND)
    expect(after.heapUsed - before.heapUsed).toBeLessThan(2 * BUDGET)
  })

  it('GET /__mock/journal answers one default page of at most 1,000 cut entries, and pages on', async () => {
    const res = await fetch(`${origin}/__mock/journal`)
    const text = await res.text()
    const page = JSON.parse(text) as { entries: JournalEntry[]; next: number | null; oldest: number }
    expect(page.entries).toHaveLength(JOURNAL_PAGE.default)
    expect(page.entries.every((e) => e.url.length <= 2_048 && e.urlLength !== undefined)).toBe(true)
    expect(Buffer.byteLength(text)).toBeLessThan(4 * 1024 * 1024)
    expect(page.next).toBe(page.entries.at(-1)!.seq)
    const second = (await (await fetch(`${origin}/__mock/journal?since=${page.next}&limit=5`)).json()) as {
      entries: JournalEntry[]
    }
    expect(second.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5].map((k) => page.next! + k))
  })

  it('an out-of-range limit, and a since or limit that is not plain digits (0x10, 1e1, " 3 ", -1), → 400 invalid_control_request', async () => {
    expect((await fetch(`${origin}/__mock/journal?limit=${JOURNAL_PAGE.max + 1}`)).status).toBe(400)
    expect((await fetch(`${origin}/__mock/journal?limit=0`)).status).toBe(400)
    // Number() read these as 16, 10 and 3 before (adversarial pass); the docs promise an integer.
    for (const query of ['limit=0x10', 'limit=1e1', 'limit=%203%20', 'since=0x1', 'since=-1', 'since=1.0']) {
      const res = await fetch(`${origin}/__mock/journal?${query}`)
      expect(res.status, query).toBe(400)
      expect(((await res.json()) as { error: string }).error).toBe('invalid_control_request')
    }
    expect((await fetch(`${origin}/__mock/journal?limit=10&since=0`)).status).toBe(200)
  })
})
