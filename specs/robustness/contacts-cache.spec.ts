import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { dineroJson } from '../../mocks/dinero/body.ts'
import { CONTACT_FIELDS, CONTACT_FILTERABLE, contactReadModel } from '../../mocks/dinero/contacts.ts'
import {
  matchesFilter,
  paginate,
  parseChangesSince,
  parseDeletedOnly,
  parsePaging,
  parseQueryFilter,
  passesLifecycle,
  project,
  selectFields,
} from '../../mocks/dinero/query.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import type { DeviationId } from '../../mocks/index.ts'
import type { Target } from '../../scripts/targets/targets.ts'
import { dineroTarget } from '../support/dinero-session.ts'

/**
 * The contacts list serves each row's list item from a cache kept per row object and `fields`
 * selection (mocks/dinero/contacts.ts, docs/BENCH.md). These specs hold every list answer to a
 * fresh computation from the store (read model per row, `project`, `paginate`, one
 * JSON.stringify: the list as it was before the cache), byte for byte, while contacts are
 * created, updated, deleted and restored between the reads.
 */
const ORG = PRO_ORGANISATION_ID

/** The list answer computed from the store without any cache. */
async function fresh(target: Target, path: string): Promise<string> {
  const url = new URL(path, target.api)
  const deviations = target.mock.deviations
  const fields = selectFields(url, CONTACT_FIELDS, deviations)
  const conditions = parseQueryFilter(url.searchParams.get('queryFilter'), CONTACT_FILTERABLE)
  const changesSince = parseChangesSince(url)
  const deletedOnly = parseDeletedOnly(url, url.pathname.startsWith('/v1/') ? false : undefined)
  const paging = parsePaging(url, deviations)
  const rows = target.mock.store.dinero
    .contacts(ORG)
    .all()
    .filter((row) => passesLifecycle(row, deletedOnly, changesSince))
    .filter((row) => matchesFilter(contactReadModel(row), conditions))
  const page = paginate(rows, paging)
  const body = { ...page, Collection: page.Collection.map((row) => project(contactReadModel(row), fields)) }
  return dineroJson(body).text()
}

const contactBody = (name: string, country: string, isPerson: boolean) => ({
  Name: name,
  CountryKey: country,
  IsPerson: isPerson,
  IsMember: false,
  UseCvr: false,
  Email: `${name.length}@example.test`,
})

const FIELD_NAMES = [
  'name',
  'Name',
  'contactGuid',
  'CONTACTGUID',
  'email',
  'CreatedAt',
  'updatedAt',
  'DeletedAt',
  'vatRegionKey',
  'IsPerson',
  'nosuchfield',
  'PaymentConditionNumberOfDays',
]

const name = fc.string({ minLength: 1, maxLength: 12 })
const write = fc.oneof(
  fc.record({
    op: fc.constant('create' as const),
    name,
    country: fc.constantFrom('DK', 'DE', 'US'),
    isPerson: fc.boolean(),
  }),
  fc.record({
    op: fc.constant('update' as const),
    pick: fc.nat(),
    name,
    country: fc.constantFrom('DK', 'se', 'JP'),
  }),
  fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('restore' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('advance' as const), seconds: fc.integer({ min: 1, max: 7200 }) }),
)
const read = fc.record({
  op: fc.constant('read' as const),
  version: fc.constantFrom('v1', 'v2'),
  fields: fc.option(fc.subarray(FIELD_NAMES, { minLength: 0, maxLength: 5 }), { nil: undefined }),
  page: fc.integer({ min: 0, max: 4 }),
  pageSize: fc.integer({ min: 1, max: 300 }),
  /** Which row's last change `changesSince` falls on (null: absent). */
  since: fc.option(fc.nat(), { nil: null }),
  deletedOnly: fc.constantFrom(undefined, 'true', 'false'),
  filter: fc.constantFrom(undefined, "Name contains 'a'", "IsPerson eq 'true'"),
})

/** `YYYY-MM-DDTHH:mm:ssZ` of a row's last change, rounded down to the second. */
function sinceOf(target: Target, pick: number): string {
  const rows = target.mock.store.dinero.contacts(ORG).all()
  const row = rows[pick % rows.length]!
  const at = Math.max(row.createdAt, row.updatedAt, row.deletedAt ?? 0)
  return `${new Date(at).toISOString().slice(0, 19)}Z`
}

type Read = typeof read extends fc.Arbitrary<infer T> ? T : never

function listPath(target: Target, r: Read): string {
  const q = new URLSearchParams({ page: String(r.page), pageSize: String(r.pageSize) })
  if (r.fields !== undefined) q.set('fields', r.fields.join(','))
  if (r.since !== null) q.set('changesSince', sinceOf(target, r.since))
  if (r.deletedOnly !== undefined) q.set('deletedOnly', r.deletedOnly)
  if (r.filter !== undefined) q.set('queryFilter', r.filter)
  return `/${r.version}/${ORG}/contacts?${q}`
}

interface Listed {
  Name?: string
  ContactGuid: string
  UpdatedAt?: string
  DeletedAt?: string | null
}
const listed = (text: string) => (JSON.parse(text) as { Collection: Listed[] }).Collection

function guidAt(target: Target, pick: number): string {
  const rows = target.mock.store.dinero.contacts(ORG).all()
  return rows[pick % rows.length]!.guid
}

describe('contacts list served from its per-row cache', () => {
  const run = dineroTarget('in-process', { dinero: { rateLimitPerMinute: 0 } })
  /** Moves the mock clock on, with a new session: the old access token may have expired. */
  const advance = async (ms: number) => {
    run.target.mock.clock.advance(ms)
    await run.renew()
  }

  it('200: every list read, between random creates, updates, deletes and restores, is byte for byte the uncached answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(write, read, read), { minLength: 1, maxLength: 12 }),
        async (steps) => {
          for (const step of steps) {
            if (step.op === 'read') {
              const path = listPath(run.target, step)
              const reply = await run.api.get(path)
              expect(reply.status).toBe(200)
              expect(reply.text).toBe(await fresh(run.target, path))
            } else if (step.op === 'create') {
              const reply = await run.api.post(
                `/v1/${ORG}/contacts`,
                contactBody(step.name, step.country, step.isPerson),
              )
              expect(reply.status).toBe(200)
            } else if (step.op === 'update') {
              const guid = guidAt(run.target, step.pick)
              const reply = await run.api.put(
                `/v2/${ORG}/contacts/${guid}`,
                contactBody(step.name, step.country, true),
              )
              // A deleted contact is not updated (404, ItemDeleted): 200 exactly when it is live.
              const live = run.target.mock.store.dinero.contacts(ORG).get(guid)?.deletedAt === null
              expect(reply.status).toBe(live ? 200 : 404)
            } else if (step.op === 'delete') {
              expect(
                (await run.api.delete(`/v1/${ORG}/contacts/${guidAt(run.target, step.pick)}`)).status,
              ).toBe(200)
            } else if (step.op === 'restore') {
              expect(
                (await run.api.post(`/v1/${ORG}/contacts/${guidAt(run.target, step.pick)}/restore`)).status,
              ).toBe(200)
            } else await advance(step.seconds * 1000)
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it('200: a contact renamed after its page was read is listed with the new name and UpdatedAt on the next read', async () => {
    const path = `/v1/${ORG}/contacts?page=0&pageSize=5&fields=Name,ContactGuid,UpdatedAt`
    const before = listed((await run.api.get(path)).text)[0]!
    await advance(60_000)
    const put = await run.api.put(
      `/v2/${ORG}/contacts/${before.ContactGuid}`,
      contactBody('Renamed ApS', 'DK', false),
    )
    expect(put.status).toBe(200)
    const after = await run.api.get(path)
    const now = listed(after.text)[0]!
    expect(now).toMatchObject({ Name: 'Renamed ApS', ContactGuid: before.ContactGuid })
    expect(now.UpdatedAt).not.toBe(before.UpdatedAt)
    expect(after.text).toBe(await fresh(run.target, path))
  })

  it('200: a deleted contact leaves the v1 list and the v2 list shows its DeletedAt; restored, it is back without one', async () => {
    // A live contact: the property above may have deleted any of them.
    const guid = run.target.mock.store.dinero
      .contacts(ORG)
      .all()
      .filter((row) => row.deletedAt === null)[3]!.guid
    const v1 = `/v1/${ORG}/contacts?pageSize=1000&fields=ContactGuid`
    const v2 = `/v2/${ORG}/contacts?pageSize=1000&fields=ContactGuid,DeletedAt`
    await run.api.get(v1)
    await run.api.get(v2)
    expect((await run.api.delete(`/v1/${ORG}/contacts/${guid}`)).status).toBe(200)
    expect(listed((await run.api.get(v1)).text).map((c) => c.ContactGuid)).not.toContain(guid)
    expect(listed((await run.api.get(v2)).text).find((c) => c.ContactGuid === guid)?.DeletedAt).toEqual(
      expect.any(String),
    )
    expect((await run.api.post(`/v1/${ORG}/contacts/${guid}/restore`)).status).toBe(200)
    expect(listed((await run.api.get(v1)).text).map((c) => c.ContactGuid)).toContain(guid)
    expect(listed((await run.api.get(v2)).text).find((c) => c.ContactGuid === guid)?.DeletedAt).toBeNull()
    expect((await run.api.get(v2)).text).toBe(await fresh(run.target, v2))
  })

  it('200: after the Dinero store is reset, the list is the seed again, not what was cached before', async () => {
    const path = `/v1/${ORG}/contacts?page=0&pageSize=3&fields=Name`
    // From the seed: the property above may have deleted the first contact (a PUT then answers 404).
    run.target.mock.store.dinero.reset()
    const renamed = await run.api.put(
      `/v2/${ORG}/contacts/${guidAt(run.target, 0)}`,
      contactBody('Before Reset', 'DK', false),
    )
    expect(renamed.status).toBe(200)
    expect((await run.api.get(path)).text).toContain('Before Reset')
    run.target.mock.store.dinero.reset()
    const after = await run.api.get(path)
    expect(after.text).not.toContain('Before Reset')
    expect(after.text).toBe(await fresh(run.target, path))
  })

  it('200: one row asked for with more field selections than the cache keeps per row answers each one right, twice', async () => {
    const selections = FIELD_NAMES.map((_, i) => FIELD_NAMES.slice(i, i + 2).join(','))
    for (const round of [1, 2])
      for (const fields of selections) {
        const path = `/v1/${ORG}/contacts?pageSize=2&fields=${fields}`
        expect({ round, fields, text: (await run.api.get(path)).text }).toEqual({
          round,
          fields,
          text: await fresh(run.target, path),
        })
      }
  })
})

describe.each([['dinero.ignore-fields'], ['dinero.paging-ignored']] as DeviationId[][])(
  'contacts list cache under deviation %s',
  (deviation) => {
    const run = dineroTarget('in-process', { dinero: { rateLimitPerMinute: 0 }, deviations: [deviation] })

    it('200: the answer is byte for byte the uncached one, for lower-camel and PascalCase selections alike', async () => {
      for (const fields of ['name,contactGuid', 'Name,ContactGuid', 'email', ''])
        for (const page of [0, 1]) {
          const path = `/v1/${ORG}/contacts?page=${page}&pageSize=7&fields=${fields}`
          expect((await run.api.get(path)).text).toBe(await fresh(run.target, path))
        }
    })
  },
)
