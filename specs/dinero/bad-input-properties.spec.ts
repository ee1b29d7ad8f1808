import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { z } from 'zod'
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
import type { Reply } from '../../scripts/targets/targets.ts'
import { startTarget, type Target } from '../../scripts/targets/targets.ts'
import { type DineroApi, dineroSession } from '../support/dinero-session.ts'

/**
 * dinero-openapi, dinero-api-errors, open-dinero-amount-bounds: whatever create or update body
 * arrives, the answer is a 4xx in Dinero's error format or a stored entity that reads back
 * through its own read model: never a 5xx, never an entity its contract rejects.
 * `FUZZ_RUNS` scales the runs per property (default 40).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 40)
const ORG = PRO_ORGANISATION_ID
const CONTACT = seededGuid(`${ORG}:contact:0`)
const PRODUCT = seededGuid(`${ORG}:product:0`)

const extremes = fc.constantFrom(1e308, -1e308, 1e12, -1e12, 1e12 + 1, 0, 0.005, 2_147_483_648, -1, 5e-324)
const num = fc.oneof(fc.double(), fc.integer(), extremes)
const text = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', 'constructor', '__proto__', 'x'.repeat(300)),
)
const wild = fc.oneof(
  num,
  text,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
  fc.constant([['nested']]),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
)
/** Mostly a plausible value, sometimes anything at all. */
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: wild })
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

describe('Dinero create and update bodies under arbitrary input (in-process)', () => {
  let target: Target
  let api: DineroApi
  beforeAll(async () => {
    target = await startTarget('in-process', { dinero: { rateLimitPerMinute: 0 } })
    api = await dineroSession(target)
  })
  afterAll(() => target.close())

  /** A 4xx in Dinero's error format, or a 2xx; never a 5xx. */
  const judged = (reply: Reply): 'refused' | 'accepted' => {
    expect(reply.status, reply.text).toBeLessThan(500)
    if (reply.status < 300) return 'accepted'
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/)
    const raw = JSON.parse(reply.text) as { validationErrors?: object }
    expect(DineroErrorBody.safeParse(raw).success).toBe(true)
    // Read from the raw JSON: a zod record would assign `__proto__` and lose it.
    if (raw.validationErrors !== undefined)
      expect(Object.keys(raw.validationErrors).length).toBeGreaterThan(0)
    return 'refused'
  }
  const readsBack = async (path: string, model: z.ZodType) => {
    const reply = await api.get(path)
    expect(reply.status).toBe(200)
    const parsed = model.safeParse(JSON.parse(reply.text))
    expect(parsed.error?.issues ?? []).toEqual([])
  }
  const property = <T>(arb: fc.Arbitrary<T>, run: (value: T) => Promise<void>) =>
    fc.assert(fc.asyncProperty(arb, run), { numRuns: RUNS })

  it('POST and PUT contacts: 4xx code 42/44 or a contact that parses as ContactReadModel, never a 5xx', async () => {
    await property(contactBody, async (sent) => {
      const created = await api.post(`/v1/${ORG}/contacts`, sent)
      if (judged(created) === 'accepted') {
        const guid = created.json<{ ContactGuid: string }>().ContactGuid
        await readsBack(`/v1/${ORG}/contacts/${guid}`, ContactReadModel)
      }
      if (judged(await api.put(`/v2/${ORG}/contacts/${CONTACT}`, sent)) === 'accepted')
        await readsBack(`/v1/${ORG}/contacts/${CONTACT}`, ContactReadModel)
    })
  })

  it('POST and PUT products: 4xx or a product that parses as ProductReadModel, never a 5xx', async () => {
    await property(productBody, async (sent) => {
      const created = await api.post(`/v1/${ORG}/products`, sent)
      if (judged(created) === 'accepted') {
        const guid = created.json<{ ProductGuid: string }>().ProductGuid
        await readsBack(`/v1/${ORG}/products/${guid}`, ProductReadModel)
      }
      if (judged(await api.put(`/v1/${ORG}/products/${PRODUCT}`, sent)) === 'accepted')
        await readsBack(`/v1/${ORG}/products/${PRODUCT}`, ProductReadModel)
    })
  })

  it('POST invoices, invoices/fetch and PUT v1.2 invoices: 4xx or an invoice that parses as InvoiceReadModel', async () => {
    await property(invoiceBody, async (sent) => {
      const created = await api.post(`/v1/${ORG}/invoices`, sent)
      if (judged(created) === 'accepted') {
        const { Guid, TimeStamp } = created.json<{ Guid: string; TimeStamp: string }>()
        await readsBack(`/v1/${ORG}/invoices/${Guid}`, InvoiceReadModel)
        const updated = await api.put(`/v1.2/${ORG}/invoices/${Guid}`, { ...sent, Timestamp: TimeStamp })
        if (judged(updated) === 'accepted') await readsBack(`/v1/${ORG}/invoices/${Guid}`, InvoiceReadModel)
      }
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
        await readsBack(`/v1/${ORG}/vouchers/purchase/${guid}`, PurchaseVoucherReadModelV2)
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
