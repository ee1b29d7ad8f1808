import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  collectionOf,
  DepositAccountReadModel,
  DineroErrorBody,
  EntryAccountReadModel,
  ProductCreatedResult,
  ProductReadModel,
  ProductReadModelDineroCollection,
  PurchaseVoucherReadModelV2,
} from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroSuite } from '../support/dinero-session.ts'

const ORG = PRO_ORGANISATION_ID
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))
const product = {
  Name: 'Workshop',
  ProductNumber: 'WS-01',
  BaseAmountValue: 400,
  Quantity: 1,
  AccountNumber: 1000,
  Unit: 'hours',
}

/** dinero-openapi: products. */
describe.each(TARGET_KINDS)('products (%s)', (kind) => {
  const api = dineroSuite(kind)
  let guid: string

  it('200 on GET /v1/:org/products with default fields Name, ProductGuid', async () => {
    const reply = await api.get(`/v1/${ORG}/products`)
    expect(reply.status).toBe(200)
    const body = collectionOf(z.strictObject({ Name: z.string(), ProductGuid: z.guid() })).parse(reply.json())
    expect(body.Pagination.Result).toBe(12)
  })

  it('200 on POST /v1/:org/products → {ProductGuid}; GET gives the ProductReadModel with VAT derived', async () => {
    const created = await api.post(`/v1/${ORG}/products`, product)
    expect(created.status).toBe(200)
    guid = ProductCreatedResult.parse(created.json()).ProductGuid
    const read = ProductReadModel.parse((await api.get(`/v1/${ORG}/products/${guid}`)).json())
    expect(read).toMatchObject({
      ...product,
      ProductGuid: guid,
      BaseAmountValueInclVat: 500,
      TotalAmount: 400,
    })
  })

  it('200 on PUT /v1/:org/products/:guid replaces the product', async () => {
    expect((await api.put(`/v1/${ORG}/products/${guid}`, { ...product, BaseAmountValue: 500 })).status).toBe(
      200,
    )
    expect(
      ProductReadModel.parse((await api.get(`/v1/${ORG}/products/${guid}`)).json()).BaseAmountValue,
    ).toBe(500)
  })

  it('400 code 42 for a Unit outside the documented list', async () => {
    const reply = await api.post(`/v1/${ORG}/products`, { ...product, Unit: 'gallons' })
    expect(reply.status).toBe(400)
    expect(errorOf(reply.text).validationErrors).toHaveProperty('Unit')
  })

  it('200 on DELETE; the product shows with deletedOnly=true and full-model fields', async () => {
    expect((await api.delete(`/v1/${ORG}/products/${guid}`)).status).toBe(200)
    const fields =
      'ProductGuid,Name,ProductNumber,Quantity,Unit,AccountNumber,BaseAmountValue,BaseAmountValueInclVat,TotalAmount,TotalAmountInclVat,ExternalReference,CreatedAt,UpdatedAt,DeletedAt'
    const reply = await api.get(`/v1/${ORG}/products?deletedOnly=true&fields=${fields}`)
    const body = ProductReadModelDineroCollection.parse(reply.json())
    expect(body.Collection?.map((p) => p.ProductGuid)).toEqual([guid])
  })
})

/** dinero-openapi: purchase vouchers, cash and credit. */
describe.each(TARGET_KINDS)('purchase vouchers (%s)', (kind) => {
  const api = dineroSuite(kind)
  const line = { AccountNumber: 3600, Description: 'Printerpapir', Amount: 1250 }

  it('200 on POST /v1.2/:org/vouchers/purchase (cash): PurchaseVoucherReadModelV2 with Timestamp (small s)', async () => {
    const reply = await api.post(`/v1.2/${ORG}/vouchers/purchase`, {
      PurchaseType: 'cash',
      VoucherDate: '2026-02-01',
      Lines: [line],
    })
    expect(reply.status).toBe(200)
    const voucher = PurchaseVoucherReadModelV2.parse(reply.json())
    expect(voucher).toMatchObject({ PurchaseType: 'cash', Status: 'Draft', DepositAccountNumber: 55000 })
    expect(voucher.Timestamp).toMatch(/^[0-9A-F]{16}$/)
    expect(voucher).not.toHaveProperty('TimeStamp')
    expect(voucher.Lines?.[0]).toMatchObject({
      AmountInclVatValue: 1250,
      AmountExclVatValue: 1000,
      VatAmountValue: 250,
    })
  })

  it('400 code 42 for a cash purchase with PaymentDate or CurrencyKey', async () => {
    const withDate = await api.post(`/v1.1/${ORG}/vouchers/purchase`, {
      PurchaseType: 'cash',
      PaymentDate: '2026-02-10',
      Lines: [line],
    })
    expect(withDate.status).toBe(400)
    expect(errorOf(withDate.text).validationErrors).toHaveProperty('PaymentDate')
    const withCurrency = await api.post(`/v1.1/${ORG}/vouchers/purchase`, {
      PurchaseType: 'cash',
      CurrencyKey: 'EUR',
      Lines: [line],
    })
    expect(withCurrency.status).toBe(400)
  })

  it('400 code 42 without PurchaseType or with one that is neither cash nor credit', async () => {
    expect((await api.post(`/v1.1/${ORG}/vouchers/purchase`, { Lines: [line] })).status).toBe(400)
    const other = await api.post(`/v1.1/${ORG}/vouchers/purchase`, { PurchaseType: 'barter', Lines: [line] })
    expect(errorOf(other.text).code).toBe(42)
  })

  it('credit: create → update (PUT /v1.1) → book → Booked with a voucher number; booked PUT → 400 45', async () => {
    const contact = seededGuid(`${ORG}:contact:3`)
    const created = PurchaseVoucherReadModelV2.parse(
      (
        await api.post(`/v1.1/${ORG}/vouchers/purchase`, {
          PurchaseType: 'credit',
          ContactGuid: contact,
          PaymentDate: '2026-03-01',
          Lines: [line],
        })
      ).json(),
    )
    const update = {
      PurchaseType: 'credit',
      ContactGuid: contact,
      VoucherDate: '2026-02-02',
      Lines: [line, { ...line, Amount: 500 }],
      Timestamp: created.Timestamp,
    }
    const updated = await api.put(`/v1.1/${ORG}/vouchers/purchase/${created.Guid}`, update)
    expect(updated.status).toBe(200)
    const v = PurchaseVoucherReadModelV2.parse(updated.json())
    expect(v.VoucherTotals?.find((t) => t.Type === 'Total')?.Total).toBe(1750)
    const stale = await api.put(`/v1.1/${ORG}/vouchers/purchase/${created.Guid}`, update)
    expect(errorOf(stale.text).code).toBe(58)
    const booked = await api.post(`/v1/${ORG}/vouchers/purchase/${created.Guid}/book`, {
      Timestamp: v.Timestamp,
    })
    expect(booked.status).toBe(200)
    const b = PurchaseVoucherReadModelV2.parse(booked.json())
    expect(b).toMatchObject({ Status: 'Booked', VoucherNumber: 1 })
    const again = await api.put(`/v1.1/${ORG}/vouchers/purchase/${created.Guid}`, {
      ...update,
      Timestamp: b.Timestamp,
    })
    expect(again.status).toBe(400)
    expect(errorOf(again.text).code).toBe(45)
  })

  it('DELETE needs {"Timestamp"}: without it 400, with it 200 and the voucher is gone (404 code 40)', async () => {
    const created = PurchaseVoucherReadModelV2.parse(
      (await api.post(`/v1.2/${ORG}/vouchers/purchase`, { PurchaseType: 'cash', Lines: [line] })).json(),
    )
    const path = `/v1/${ORG}/vouchers/purchase/${created.Guid}`
    expect((await api.delete(path)).status).toBe(400)
    expect((await api.delete(path, {})).status).toBe(400)
    expect((await api.delete(path, { Timestamp: created.Timestamp })).status).toBe(200)
    const gone = await api.get(path)
    expect(gone.status).toBe(404)
    expect(errorOf(gone.text).code).toBe(40)
  })
})

/** dinero-openapi: accounts are plain arrays. */
describe.each(TARGET_KINDS)('accounts (%s)', (kind) => {
  const api = dineroSuite(kind)

  it('200 on GET /v1/:org/accounts/entry: a plain array with default fields AccountNumber, Name, IsHidden', async () => {
    const reply = await api.get(`/v1/${ORG}/accounts/entry`)
    expect(reply.status).toBe(200)
    const accounts = z
      .array(z.strictObject({ AccountNumber: z.number().int(), Name: z.string(), IsHidden: z.boolean() }))
      .parse(reply.json())
    expect(accounts.map((a) => a.AccountNumber)).toContain(1000)
  })

  it('200 on entry accounts with every field validates as EntryAccountReadModel; categoryFilter narrows', async () => {
    const fields =
      'AccountNumber,PublicStandardNumber,Name,VatCode,Category,CategoryName,IsHidden,IsDefaultSalesAccount'
    const all = z
      .array(EntryAccountReadModel)
      .parse((await api.get(`/v1/${ORG}/accounts/entry?fields=${fields}`)).json())
    const turnover = z
      .array(EntryAccountReadModel)
      .parse((await api.get(`/v1/${ORG}/accounts/entry?fields=${fields}&categoryFilter=Turnover`)).json())
    expect(turnover.length).toBeGreaterThan(0)
    expect(turnover.length).toBeLessThan(all.length)
  })

  it('200 on GET /v1/:org/accounts/deposit: a plain array of DepositAccountReadModel', async () => {
    const fields = 'AccountNumber,Name,IsDefault,IsHidden'
    const reply = await api.get(`/v1/${ORG}/accounts/deposit?fields=${fields}`)
    expect(reply.status).toBe(200)
    const accounts = z.array(DepositAccountReadModel).parse(reply.json())
    expect(accounts.filter((a) => a.IsDefault).map((a) => a.AccountNumber)).toEqual([55000])
  })
})

/** dinero-openapi (Accounts): created accounts are listed; numbers are unique; VAT codes are real ones. */
describe.each(TARGET_KINDS)('Dinero account creation (%s)', (kind) => {
  const api = dineroSuite(kind)
  const ORG_ID = PRO_ORGANISATION_ID

  it('POST accounts/entry → 200, then listed in entry accounts and, in 2000–9399, in purchase accounts', async () => {
    const created = await api.post(`/v1/${ORG_ID}/accounts/entry`, {
      Number: 7200,
      Name: 'Software',
      VatCode: 'I25',
    })
    expect(created.status).toBe(200)
    const entry = (await api.get(`/v1/${ORG_ID}/accounts/entry?fields=AccountNumber,VatCode`)).json<
      { AccountNumber: number; VatCode: string | null }[]
    >()
    expect(entry).toContainEqual({ AccountNumber: 7200, VatCode: 'I25' })
    const purchase = (await api.get(`/v1/${ORG_ID}/accounts/purchase`)).json<{ AccountNumber: number }[]>()
    expect(purchase.map((a) => a.AccountNumber)).toContain(7200)
    expect(purchase.every((a) => a.AccountNumber >= 2000 && a.AccountNumber <= 9399)).toBe(true)
  })

  it('a taken number or an unknown VAT code → 400 code 42 naming Number / VatCode', async () => {
    const taken = await api.post(`/v1/${ORG_ID}/accounts/entry`, {
      Number: 1000,
      Name: 'Dup',
      VatCode: 'U25',
    })
    expect(taken.status).toBe(400)
    expect(taken.json<{ code: number; validationErrors: object }>().validationErrors).toHaveProperty('Number')
    const vat = await api.post(`/v1/${ORG_ID}/accounts/entry`, { Number: 7300, Name: 'X', VatCode: 'Q99' })
    expect(vat.json<{ code: number; validationErrors: object }>().validationErrors).toHaveProperty('VatCode')
  })

  it('POST accounts/deposit → 200, then listed as a deposit account and usable as an entry account', async () => {
    const created = await api.post(`/v1/${ORG_ID}/accounts/deposit`, { Number: 55950, Name: 'Opsparing' })
    expect(created.status).toBe(200)
    const deposit = (await api.get(`/v1/${ORG_ID}/accounts/deposit`)).json<{ AccountNumber: number }[]>()
    expect(deposit.map((a) => a.AccountNumber)).toContain(55950)
    const again = await api.post(`/v1/${ORG_ID}/accounts/deposit`, { Number: 55950, Name: 'Igen' })
    expect(again.status).toBe(400)
  })
})
