import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  ContactCreatedResult,
  ContactReadModel,
  collectionOf,
  DineroErrorBody,
} from '../../mocks/dinero/contract/index.ts'
import {
  PRO_ORGANISATION_ID,
  SEEDED_DELETED_CONTACTS,
  SEEDED_LIVE_CONTACTS,
} from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const DefaultItem = z.strictObject({ name: z.string(), contactGuid: z.guid() })
const DefaultPage = collectionOf(DefaultItem)
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))

/** dinero-openapi: 0-based pages, pageSize ≤ 1000, the Pagination envelope, `fields`. */
describe.each(TARGET_KINDS)('GET /v1/:org/contacts paging and fields (%s)', (kind) => {
  const api = dineroSuite(kind)

  it(`200: ${SEEDED_LIVE_CONTACTS} contacts in pages of 100 lose and repeat no row, Pagination right on each page`, async () => {
    const seen: string[] = []
    for (const page of [0, 1, 2, 3]) {
      const reply = await api.get(`/v1/${ORG}/contacts?page=${page}&pageSize=100`)
      expect(reply.status).toBe(200)
      const body = DefaultPage.parse(reply.json())
      const expected = Math.max(0, Math.min(100, SEEDED_LIVE_CONTACTS - page * 100))
      expect(body.Pagination).toEqual({
        MaxPageSizeAllowed: 1000,
        PageSize: 100,
        Result: expected,
        ResultWithoutFilter: SEEDED_LIVE_CONTACTS,
        Page: page,
      })
      seen.push(...(body.Collection ?? []).map((c) => c.contactGuid))
    }
    expect(seen).toHaveLength(SEEDED_LIVE_CONTACTS)
    expect(new Set(seen).size).toBe(SEEDED_LIVE_CONTACTS)
  })

  it('200 with default paging: page 0, PageSize 100, lower-camel default fields name, contactGuid', async () => {
    const body = DefaultPage.parse((await api.get(`/v1/${ORG}/contacts`)).json())
    expect(body.Pagination.Page).toBe(0)
    expect(body.Pagination.PageSize).toBe(100)
    expect(body.Collection).toHaveLength(100)
  })

  it('200 with pageSize=1000 returns every contact in one page', async () => {
    const body = DefaultPage.parse((await api.get(`/v1/${ORG}/contacts?pageSize=1000`)).json())
    expect(body.Pagination.Result).toBe(SEEDED_LIVE_CONTACTS)
  })

  it('400 code 45 for pageSize=1001', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts?pageSize=1001`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(45)
  })

  it('400 code 45 for a negative page', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts?page=-1`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(45)
  })

  it('400 code 44 for a pageSize that is not an integer', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts?pageSize=ten`)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(44)
  })

  it('200 with fields in any casing: keys echo the request, values from the model', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts?fields=NAME,email,IsPerson,VatRegionKey&pageSize=1`)
    const [item] = reply.json<{ Collection: Record<string, unknown>[] }>().Collection
    expect(item).toEqual({
      NAME: 'Børge Lund',
      email: expect.any(String),
      IsPerson: true,
      VatRegionKey: 'DK',
    })
  })

  it(`200 on /v2 without deletedOnly lists deleted and live contacts (${SEEDED_DELETED_CONTACTS} deleted seeded)`, async () => {
    const v2 = DefaultPage.parse((await api.get(`/v2/${ORG}/contacts?pageSize=1000`)).json())
    expect(v2.Pagination.ResultWithoutFilter).toBe(SEEDED_LIVE_CONTACTS + SEEDED_DELETED_CONTACTS)
    const deleted = DefaultPage.parse((await api.get(`/v1/${ORG}/contacts?deletedOnly=true`)).json())
    expect(deleted.Pagination.Result).toBe(SEEDED_DELETED_CONTACTS)
  })

  it('200 with changesSince in the future lists nothing; a malformed one is 400 code 44', async () => {
    const none = DefaultPage.parse(
      (await api.get(`/v1/${ORG}/contacts?changesSince=2999-01-01T00:00:00Z`)).json(),
    )
    expect(none.Pagination.Result).toBe(0)
    const bad = await api.get(`/v1/${ORG}/contacts?changesSince=yesterday`)
    expect(bad.status).toBe(400)
    expect(errorOf(bad.text).code).toBe(44)
  })
})

/** dinero-openapi: `queryFilter` conditions `<Field> eq|contains '<value>'`, `;` = AND. */
describe.each(TARGET_KINDS)('GET /v1/:org/contacts queryFilter (%s)', (kind) => {
  const api = dineroSuite(kind)
  const list = async (filter: string, fields = 'Name,Email,IsPerson') => {
    const reply = await api.get(
      `/v1/${ORG}/contacts?pageSize=1000&fields=${fields}&queryFilter=${encodeURIComponent(filter)}`,
    )
    return {
      reply,
      items: reply.status === 200 ? reply.json<{ Collection: Record<string, unknown>[] }>().Collection : [],
    }
  }

  // Pins dinero.query-filter.
  it("200: Name eq 'børge lund' matches case-insensitively exactly one contact", async () => {
    const { reply, items } = await list("Name eq 'børge lund'")
    expect(reply.status).toBe(200)
    expect(items.map((i) => i.Name)).toEqual(['Børge Lund'])
  })

  it("200: Name contains 'aps' returns only names containing it", async () => {
    const { items } = await list("Name contains 'aps'")
    expect(items.length).toBeGreaterThan(10)
    expect(items.every((i) => String(i.Name).toLowerCase().includes('aps'))).toBe(true)
  })

  it("200: conditions joined by ';' must all hold (AND)", async () => {
    const persons = (await list("IsPerson eq 'true'")).items
    const both = (await list("IsPerson eq 'true';Name contains 'jensen'")).items
    expect(both.length).toBeGreaterThan(0)
    expect(both.length).toBeLessThan(persons.length)
    expect(both.every((i) => i.IsPerson === true && String(i.Name).includes('Jensen'))).toBe(true)
  })

  it('200: a filter works with + for spaces as clients encode it', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts?fields=Name&queryFilter=Name+eq+'B%C3%B8rge+Lund'`)
    expect(reply.json<{ Collection: unknown[] }>().Collection).toEqual([{ Name: 'Børge Lund' }])
  })

  it("400 code 46 for a bare value ('AMINO')", async () => {
    const { reply } = await list('AMINO')
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(46)
  })

  it('400 code 46 for a value without quotes and for an unknown operator', async () => {
    expect(errorOf((await list('Name eq Børge')).reply.text).code).toBe(46)
    expect(errorOf((await list("Name like 'x'")).reply.text).code).toBe(46)
  })

  it('400 code 46 for a field that cannot be filtered on', async () => {
    const { reply } = await list("City eq 'Aarhus C'")
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).code).toBe(46)
  })
})

const newContact = {
  Name: 'Conformance Kunde ApS',
  CountryKey: 'DK',
  IsPerson: false,
  IsMember: false,
  UseCvr: true,
  Email: 'kunde@example.dk',
  VatNumber: 'DK11223344',
}

/** dinero-openapi: contact create → get → update → delete → deletedOnly → restore. */
describe.each(TARGET_KINDS)('contact lifecycle (%s)', (kind) => {
  const api = dineroSuite(kind)
  let guid: string

  it('200 on POST /v1/:org/contacts with {"ContactGuid"} (the spec declares 200, not 201)', async () => {
    const reply = await api.post(`/v1/${ORG}/contacts`, newContact)
    expect(reply.status).toBe(200)
    guid = ContactCreatedResult.parse(reply.json()).ContactGuid
    expect(Object.keys(reply.json())).toEqual(['ContactGuid'])
  })

  it('200 on GET /v1/:org/contacts/:guid with the ContactReadModel', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts/${guid}`)
    expect(reply.status).toBe(200)
    const contact = ContactReadModel.parse(reply.json())
    expect(contact).toMatchObject({ ...newContact, ContactGuid: guid, DeletedAt: null, IsDebitor: true })
  })

  it('200 on PUT /v2/:org/contacts/:guid replaces the contact', async () => {
    const reply = await api.put(`/v2/${ORG}/contacts/${guid}`, {
      ...newContact,
      Name: 'Omdøbt ApS',
      City: 'Vejle',
    })
    expect(reply.status).toBe(200)
    const contact = ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${guid}`)).json())
    expect(contact).toMatchObject({ Name: 'Omdøbt ApS', City: 'Vejle' })
  })

  it('400 code 42 on PUT with a missing required field, and the contact is unchanged', async () => {
    const { CountryKey: _, ...partial } = newContact
    const reply = await api.put(`/v2/${ORG}/contacts/${guid}`, partial)
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text)).toMatchObject({
      code: 42,
      validationErrors: { CountryKey: expect.any(String) },
    })
    expect(ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${guid}`)).json()).Name).toBe(
      'Omdøbt ApS',
    )
  })

  // Pins dinero.deleted-only.
  it('200 on DELETE soft-deletes: DeletedAt set, gone from the default list, present with deletedOnly=true', async () => {
    expect((await api.delete(`/v1/${ORG}/contacts/${guid}`)).status).toBe(200)
    const contact = ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${guid}`)).json())
    expect(contact.DeletedAt).toEqual(expect.any(String))
    const live = collectionOf(z.strictObject({ ContactGuid: z.guid(), Name: z.string() })).parse(
      (await api.get(`/v1/${ORG}/contacts?pageSize=1000&fields=ContactGuid,Name`)).json(),
    )
    expect(live.Collection?.some((c) => c.ContactGuid === guid)).toBe(false)
    const deleted = (await api.get(`/v1/${ORG}/contacts?deletedOnly=true&fields=ContactGuid`)).json<{
      Collection: { ContactGuid: string }[]
    }>()
    expect(deleted.Collection.map((c) => c.ContactGuid)).toContain(guid)
  })

  it('200 on POST /v1/:org/contacts/:guid/restore brings the contact back', async () => {
    expect((await api.post(`/v1/${ORG}/contacts/${guid}/restore`)).status).toBe(200)
    const contact = ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${guid}`)).json())
    expect(contact.DeletedAt).toBeNull()
    const filtered = (
      await api.get(
        `/v1/${ORG}/contacts?fields=ContactGuid&queryFilter=${encodeURIComponent("Name eq 'Omdøbt ApS'")}`,
      )
    ).json<{
      Collection: { ContactGuid: string }[]
    }>()
    expect(filtered.Collection).toEqual([{ ContactGuid: guid }])
  })

  it('404 code 40 for a contact guid that does not exist', async () => {
    const reply = await api.get(`/v1/${ORG}/contacts/00000000-0000-4000-8000-000000000000`)
    expect(reply.status).toBe(404)
    expect(errorOf(reply.text).code).toBe(40)
  })
})
