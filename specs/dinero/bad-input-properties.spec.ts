import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { exampleOf } from '../../mocks/dinero/contract/examples.ts'
import { extraction, labelModel } from '../../mocks/dinero/contract/extraction.ts'
import {
  ContactReadModel,
  DineroErrorBody,
  InvoiceFetchReadModel,
  InvoiceReadModel,
  ProductReadModel,
  PurchaseVoucherReadModelV2,
} from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import {
  createsThenUpdates,
  judged,
  maybe,
  num,
  property,
  RUNS,
  readsBack,
  text,
  wild,
} from '../support/dinero-properties.ts'
import { dineroSuite } from '../support/dinero-session.ts'

/**
 * dinero-openapi, dinero-api-errors, open-dinero-amount-bounds: whatever create or update body
 * arrives, the answer is a 4xx in Dinero's error format or a stored entity that reads back
 * through its own read model: never a 5xx, never an entity its contract rejects.
 */
const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:0`)
const PRODUCT = seededGuid(`${ORG}:product:0`)

const days = fc.oneof(fc.integer({ min: -5, max: 40 }), fc.constantFrom(2_147_483_647, 10_000, 10_001))
const date = fc.constantFrom('2024-02-29', '2023-02-28', '9999-12-31', '0001-01-01', '2024-13-01')
const guid = fc.constantFrom(CONTACT, '00000000-0000-0000-0000-000000000000', 'not-a-guid')
const unknownKey = fc.option(fc.constantFrom('constructor', 'toString', '__proto__', 'Nickname'), {
  nil: undefined,
})

/** Adds an own property (even `__proto__`) so JSON.stringify sends it. */
function withKey(body: Record<string, unknown>, key: string | undefined): Record<string, unknown> {
  if (key !== undefined) Object.defineProperty(body, key, { value: 1, enumerable: true })
  return body
}
const body = <T extends Record<string, fc.Arbitrary<unknown>>>(shape: T) =>
  fc
    .tuple(fc.record(shape, { requiredKeys: [] }), unknownKey)
    .map(([b, key]) => withKey(b as Record<string, unknown>, key))

const contactBody = body({
  Name: maybe(text),
  CountryKey: maybe(fc.constantFrom('DK', 'DE', 'US', 'xx')),
  IsPerson: maybe(fc.boolean()),
  IsMember: maybe(fc.boolean()),
  UseCvr: maybe(fc.boolean()),
  Email: maybe(text),
  PaymentConditionType: maybe(fc.constantFrom('Netto', 'NettoCash', 'CurrentMonthOut', 'Paid')),
  PaymentConditionNumberOfDays: maybe(days),
})

const productBody = body({
  Name: maybe(text),
  BaseAmountValue: maybe(num),
  Quantity: maybe(num),
  AccountNumber: maybe(fc.constantFrom(1000, 9999)),
  Unit: maybe(fc.constantFrom('parts', 'hours', 'lightyears')),
})

const invoiceLine = body({
  BaseAmountValue: maybe(num),
  Quantity: maybe(num),
  AccountNumber: maybe(fc.constantFrom(1000, 9999)),
  Discount: maybe(fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), num)),
  Description: maybe(text),
  ProductGuid: maybe(fc.constantFrom(PRODUCT, '00000000-0000-0000-0000-000000000000')),
  LineType: maybe(fc.constantFrom('Product', 'Text')),
})
const invoiceBody = body({
  ContactGuid: maybe(guid),
  Date: maybe(date),
  Currency: maybe(fc.constantFrom('DKK', 'EUR')),
  ShowLinesInclVat: maybe(fc.boolean()),
  PaymentConditionType: maybe(fc.constantFrom('Netto', 'NettoCash', 'CurrentMonthOut', 'Paid')),
  PaymentConditionNumberOfDays: maybe(days),
  ProductLines: maybe(fc.array(invoiceLine, { maxLength: 3 })),
})

const purchaseLine = body({
  AccountNumber: maybe(fc.constantFrom(3600, 1000, 9999)),
  Description: maybe(text),
  Amount: maybe(num),
  VatCode: maybe(fc.constantFrom('I25', 'none', 'U25')),
})
const purchaseBody = body({
  PurchaseType: maybe(fc.constantFrom('cash', 'credit', 'barter')),
  VoucherDate: maybe(date),
  ContactGuid: maybe(guid),
  DepositAccountNumber: maybe(fc.constantFrom(55000, 1)),
  Lines: maybe(fc.array(purchaseLine, { maxLength: 3 })),
})

const invoices = {
  create: `/v1/${ORG}/invoices`,
  read: (guid: string) => `/v1/${ORG}/invoices/${guid}`,
  update: (guid: string) => `/v1.2/${ORG}/invoices/${guid}`,
}

describe('Dinero create and update bodies under arbitrary input (in-process)', () => {
  const api = dineroSuite('in-process', { dinero: { rateLimitPerMinute: 0 } })

  it('POST and PUT contacts: 4xx code 42/44 or a contact that parses as ContactReadModel, never a 5xx', async () => {
    await property(contactBody, async (sent) => {
      const created = await api.post(`/v1/${ORG}/contacts`, sent)
      if (judged(created) === 'accepted') {
        const guid = created.json<{ ContactGuid: string }>().ContactGuid
        await readsBack(api, `/v1/${ORG}/contacts/${guid}`, ContactReadModel)
      }
      if (judged(await api.put(`/v2/${ORG}/contacts/${CONTACT}`, sent)) === 'accepted')
        await readsBack(api, `/v1/${ORG}/contacts/${CONTACT}`, ContactReadModel)
    })
  })

  it('POST and PUT products: 4xx or a product that parses as ProductReadModel, never a 5xx', async () => {
    await property(productBody, async (sent) => {
      const created = await api.post(`/v1/${ORG}/products`, sent)
      if (judged(created) === 'accepted') {
        const guid = created.json<{ ProductGuid: string }>().ProductGuid
        await readsBack(api, `/v1/${ORG}/products/${guid}`, ProductReadModel)
      }
      if (judged(await api.put(`/v1/${ORG}/products/${PRODUCT}`, sent)) === 'accepted')
        await readsBack(api, `/v1/${ORG}/products/${PRODUCT}`, ProductReadModel)
    })
  })

  it('POST invoices, invoices/fetch and PUT v1.2 invoices: 4xx or an invoice that parses as InvoiceReadModel', async () => {
    await property(invoiceBody, async (sent) => {
      await createsThenUpdates(api, invoices, InvoiceReadModel, sent)
      const fetched = await api.post(`/v1/${ORG}/invoices/fetch`, sent)
      if (judged(fetched) === 'accepted')
        expect(InvoiceFetchReadModel.safeParse(fetched.json()).success).toBe(true)
    })
  })

  it('POST v1.2 purchase vouchers: 4xx or a voucher that parses as PurchaseVoucherReadModelV2', async () => {
    await property(purchaseBody, async (sent) => {
      const created = await api.post(`/v1.2/${ORG}/vouchers/purchase`, sent)
      if (judged(created) === 'accepted') {
        const guid = created.json<{ Guid: string }>().Guid
        await readsBack(api, `/v1/${ORG}/vouchers/purchase/${guid}`, PurchaseVoucherReadModelV2)
      }
    })
  })

  it('an invoice line of 1e308 × 1e308 → 400 code 42 naming ProductLines[0].BaseAmountValue and Quantity', async () => {
    const reply = await api.post(`/v1/${ORG}/invoices`, {
      ProductLines: [
        { BaseAmountValue: 1e308, Quantity: 1e308, AccountNumber: 1000, Discount: 0, Description: 'x' },
      ],
    })
    expect(reply.status).toBe(400)
    const error = DineroErrorBody.parse(reply.json())
    expect(error.code).toBe(42)
    expect(Object.keys(error.validationErrors ?? {}).sort()).toEqual([
      'ProductLines[0].BaseAmountValue',
      'ProductLines[0].Quantity',
    ])
  })

  it.each(['constructor', 'toString', '__proto__'])(
    'an unknown property named %s → 400 code 42 with that name in validationErrors',
    async (key) => {
      const sent = withKey(
        { Name: 'X', CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false },
        key,
      )
      const reply = await api.post(`/v1/${ORG}/contacts`, sent)
      expect(reply.status).toBe(400)
      const errors = (JSON.parse(reply.text) as { validationErrors: Record<string, string> }).validationErrors
      expect(Object.keys(errors)).toEqual([key])
      expect(Object.getOwnPropertyDescriptor(errors, key)?.value).toMatch(/Could not find member/)
    },
  )

  it('Name sent as a nested array → 400 code 42 naming the type (string), not "required"', async () => {
    const reply = await api.post(`/v1/${ORG}/contacts`, {
      Name: [['x']],
      CountryKey: 'DK',
      IsPerson: false,
      IsMember: false,
      UseCvr: false,
    })
    expect(reply.status).toBe(400)
    const message = DineroErrorBody.parse(reply.json()).validationErrors?.Name
    expect(message).toMatch(/string/)
    expect(message).not.toMatch(/required/)
  })

  it('every operation with a JSON body, sent arbitrary or mutated bodies → 2xx or a 4xx in Dinero format, never a 5xx', async () => {
    const withBody = extraction().operations.filter((op) => op.body !== undefined && !op.multipart)
    const operation = fc.constantFrom(...withBody)
    const mutated = fc.tuple(operation, fc.string({ maxLength: 8 }), wild).map(([op, key, value]) => {
      const label = labelModel(op.body ?? '')
      const example = exampleOf(label?.name ?? '', 'request', { now: '2026-01-01T00:00:00Z', guid: CONTACT })
      const body = { ...(example as Record<string, unknown>) }
      const keys = Object.keys(body)
      body[keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length]! : key] = value
      return [op, label?.array ? [body] : body] as const
    })
    const arbitrary = fc.tuple(operation, fc.jsonValue({ maxDepth: 3 }))
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, arbitrary), async ([op, sent]) => {
        const path = op.path.replace(/\{(\w+)\}/g, (_, n: string) =>
          n === 'organizationId' ? String(ORG) : CONTACT,
        )
        judged(await api.raw(op.method, path, JSON.stringify(sent)))
      }),
      { numRuns: RUNS * 5 },
    )
  })
})
