import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { type DineroApi, dineroPerTest } from '../support/dinero-session.ts'

/**
 * Query conventions of the Dinero list endpoints (dinero-openapi list parameters; codes from
 * dinero-api-errors) at the edges the query.ts mutation run left (issue #16): the paging, filter
 * and changesSince messages, an empty changesSince, `deletedOnly`, a null field under a filter
 * and a change made exactly at `changesSince`.
 */
const ORG = PRO_ORGANISATION_ID
/** A whole second on the mock clock, so a row created now can be named exactly by changesSince. */
const START = Date.UTC(2026, 0, 15, 9, 30, 0)
const START_TEXT = '2026-01-15T09:30:00Z'

interface Listing {
  Collection: Record<string, unknown>[]
  Pagination: { Result: number; ResultWithoutFilter: number }
}

const withApi = dineroPerTest('in-process', { clock: { start: START } })

const list = (api: DineroApi, path: string, query: Record<string, string>) =>
  api.get(`/v1/${ORG}/${path}?${new URLSearchParams(query).toString()}`)

const product = (name: string) => ({
  Name: name,
  BaseAmountValue: 100,
  Quantity: 1,
  AccountNumber: 1000,
  Unit: 'parts',
})

describe('Dinero list paging (dinero-openapi: page 0-based, pageSize ≤ 1000)', () => {
  it('400 code 44 "The value \'<raw>\' is not valid for page|pageSize." for a value that is no integer or beyond 32 bits', async () => {
    await withApi(async (api) => {
      const cases: [string, string][] = [
        ['page', 'abc'],
        ['pageSize', '1.5'],
        ['page', '99999999999'],
        ['pageSize', '-2147483649'],
      ]
      for (const [name, raw] of cases) {
        const reply = await list(api, 'contacts', { [name]: raw })
        expect(reply.status, `${name}=${raw}`).toBe(400)
        expect(reply.json(), `${name}=${raw}`).toEqual({
          code: 44,
          message: `The value '${raw}' is not valid for ${name}.`,
        })
      }
    })
  })

  it('400 code 45 "page must be 0 or greater" for page=-1 and "pageSize must be between 1 and 1000" for pageSize 0 and 1001', async () => {
    await withApi(async (api) => {
      const page = await list(api, 'contacts', { page: '-1' })
      expect(page.status).toBe(400)
      expect(page.json()).toEqual({ code: 45, message: 'page must be 0 or greater' })
      for (const size of ['0', '1001']) {
        const reply = await list(api, 'contacts', { pageSize: size })
        expect(reply.status, size).toBe(400)
        expect(reply.json(), size).toEqual({ code: 45, message: 'pageSize must be between 1 and 1000' })
      }
    })
  })
})

describe("Dinero queryFilter (dinero-openapi: <Field> eq|contains '<value>', joined by ;)", () => {
  it('400 code 46 "Invalid filter format" with validationErrors.queryFilter quoting the trimmed condition that is not of the form', async () => {
    await withApi(async (api) => {
      const reply = await list(api, 'products', { queryFilter: "  Name is 'x'  " })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({
        code: 46,
        message: 'Invalid filter format',
        validationErrors: { queryFilter: "'Name is 'x'' is not of the form <Field> eq|contains '<value>'" },
      })
    })
  })

  it('400 code 46 naming a field that cannot be filtered on and listing the filterable ones, comma-separated', async () => {
    await withApi(async (api) => {
      const reply = await list(api, 'products', { queryFilter: "Comment eq 'x'" })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({
        code: 46,
        message: 'Invalid filter format',
        validationErrors: {
          queryFilter: "'Comment' cannot be filtered on; filterable: Name, ProductNumber, ExternalReference",
        },
      })
    })
  })

  it("a field that is null filters as empty text: ExternalReference eq '' finds the rows without one, contains '<text>' finds none of them", async () => {
    await withApi(async (api) => {
      const created = await api.post(`/v1/${ORG}/products`, product('Uden reference'))
      expect(created.status, created.text).toBe(200)
      const all = (
        await list(api, 'products', { fields: 'Name,ExternalReference', pageSize: '1000' })
      ).json<Listing>()
      const withoutReference = all.Collection.filter((p) => p.ExternalReference === null).map((p) => p.Name)
      expect(withoutReference).toContain('Uden reference')
      const empty = await list(api, 'products', {
        fields: 'Name,ExternalReference',
        pageSize: '1000',
        queryFilter: "ExternalReference eq ''",
      })
      expect(empty.status).toBe(200)
      expect(empty.json<Listing>().Collection.map((p) => p.Name)).toEqual(withoutReference)
      const contains = await list(api, 'products', {
        fields: 'Name,ExternalReference',
        queryFilter: "ExternalReference contains 'stryker'",
      })
      expect(contains.json<Listing>().Collection).toEqual([])
    })
  })
})

describe('Dinero changesSince and deletedOnly (dinero-openapi list parameters)', () => {
  it('an empty changesSince is no filter (200, every live row), like an absent one', async () => {
    await withApi(async (api) => {
      const absent = await list(api, 'products', { pageSize: '1000' })
      const empty = await list(api, 'products', { pageSize: '1000', changesSince: '' })
      expect(empty.status).toBe(200)
      expect(empty.json<Listing>().Collection.length).toBeGreaterThan(0)
      expect(empty.text).toBe(absent.text)
    })
  })

  it("400 code 44 \"changesSince must be UTC 'YYYY-MM-DDTHH:mm:ssZ', got '<raw>'\" for a date without time, an offset, and an expanded year JavaScript would read (+002026-…)", async () => {
    await withApi(async (api) => {
      for (const raw of ['2026-01-15', '2026-01-15T09:30:00+01:00', `+00${START_TEXT}`]) {
        const reply = await list(api, 'products', { changesSince: raw })
        expect(reply.status, raw).toBe(400)
        expect(reply.json(), raw).toEqual({
          code: 44,
          message: `changesSince must be UTC 'YYYY-MM-DDTHH:mm:ssZ', got '${raw}'`,
        })
      }
    })
  })

  it('a row created exactly at changesSince is listed (the bound is inclusive); rows changed before it are not', async () => {
    await withApi(async (api) => {
      const created = await api.post(`/v1/${ORG}/products`, product('Netop nu'))
      expect(created.status, created.text).toBe(200)
      const reply = await list(api, 'products', { changesSince: START_TEXT, fields: 'Name' })
      expect(reply.status).toBe(200)
      expect(reply.json<Listing>().Collection).toEqual([{ Name: 'Netop nu' }])
    })
  })

  it('deletedOnly=false lists the live rows as an absent deletedOnly does, deletedOnly=TRUE only the deleted ones, and deletedOnly=maybe is 400 code 44 "The value \'maybe\' is not valid for deletedOnly."', async () => {
    await withApi(async (api) => {
      const created = await api.post(`/v1/${ORG}/products`, product('Slettes'))
      expect(created.status, created.text).toBe(200)
      const guid = created.json<{ ProductGuid: string }>().ProductGuid
      expect((await api.delete(`/v1/${ORG}/products/${guid}`)).status).toBe(200)
      const absent = await list(api, 'products', { pageSize: '1000', fields: 'Name' })
      const live = await list(api, 'products', { pageSize: '1000', fields: 'Name', deletedOnly: 'false' })
      expect(live.status).toBe(200)
      expect(live.json<Listing>().Collection.length).toBeGreaterThan(0)
      expect(live.text).toBe(absent.text)
      expect(live.json<Listing>().Collection).not.toContainEqual({ Name: 'Slettes' })
      const deleted = await list(api, 'products', { fields: 'Name', deletedOnly: 'TRUE' })
      expect(deleted.json<Listing>().Collection).toEqual([{ Name: 'Slettes' }])
      const bad = await list(api, 'products', { deletedOnly: 'maybe' })
      expect(bad.status).toBe(400)
      expect(bad.json()).toEqual({ code: 44, message: "The value 'maybe' is not valid for deletedOnly." })
    })
  })
})
