import { randomUUID } from 'node:crypto'
import type { DineroContext } from './context.ts'
import type { BookModel, InvoiceLinesCreateModel, PaymentCreateModel } from './contract/index.ts'
import { invalidRequest, validationError } from './errors.ts'
import { invoiceTotals, lineAmounts } from './pricing.ts'
import { isoDay } from './query.ts'
import type { Resource } from './resource.ts'
import type { InvoiceData, InvoiceLine, Organisation, Payment, Row, SalesDocumentFields } from './store.ts'

/**
 * What the sales documents — invoices, sales credit notes and trade offers — share (dinero-openapi:
 * InvoiceReadModel, SalesCreditNoteReadModel and TradeOfferReadModel carry the same document
 * fields, and their create bodies the same InvoiceLinesCreateModel lines):
 * - the contact a body names must exist and be live, else 400 code 42 naming ContactGuid (purchase
 *   vouchers and purchase credit notes hold their contact to the same rule);
 * - each line's product must exist and its account must be an entry account, and a line without a
 *   product needs a Description (400 code 42 naming `ProductLines[i].…`); a line takes its product's
 *   name and unit when it gives none;
 * - the stored texts a body leaves out: today, DKK/da-DK (or the credited invoice's), and the noun;
 * - the read side: totals (pricing.ts), the three TotalLines, the texts and the priced lines, and
 *   MailOutStatus and LatestMailOutType from the latest e-mail about the document (mailouts.ts);
 * - payments on an invoice or a sales credit note: a known deposit account (else 42; credit payments
 *   on purchases too), what a payment keeps of its body, and the list InvoicePaymentsModel gives;
 * - booking a draft invoice or sales credit note (bookDraft).
 */

/** The contact `guid` names, recording 42 on ContactGuid when it is unknown or deleted. */
export function namedContact(
  ctx: DineroContext,
  org: Organisation,
  guid: string | null | undefined,
  errors: Record<string, string>,
) {
  const contact = guid == null ? undefined : ctx.store.contacts(org.Id).get(guid)
  if (guid != null && (contact === undefined || contact.deletedAt !== null))
    errors.ContactGuid = `Contact '${guid}' was not found`
  return contact
}

/** The stored lines of a create body, recording 42 on every line that names what does not exist. */
export function storedLines(
  ctx: DineroContext,
  org: Organisation,
  body: readonly InvoiceLinesCreateModel[],
  errors: Record<string, string>,
): InvoiceLine[] {
  const accounts = ctx.store.entryAccounts(org.Id)
  return body.map((l, i) => {
    const product = l.ProductGuid == null ? undefined : ctx.store.products(org.Id).get(l.ProductGuid)
    if (l.ProductGuid != null && product === undefined)
      errors[`ProductLines[${i}].ProductGuid`] = `Product '${l.ProductGuid}' was not found`
    if (!accounts.some((a) => a.AccountNumber === l.AccountNumber))
      errors[`ProductLines[${i}].AccountNumber`] = `Account ${l.AccountNumber} does not exist`
    if (l.ProductGuid == null && (l.Description == null || l.Description === ''))
      errors[`ProductLines[${i}].Description`] = 'Description is required when no ProductGuid is given'
    return {
      ProductGuid: l.ProductGuid ?? null,
      Description: l.Description ?? product?.data.Name ?? null,
      Comments: l.Comments ?? null,
      Quantity: l.Quantity,
      AccountNumber: l.AccountNumber,
      Unit: l.Unit ?? product?.data.Unit ?? 'parts',
      Discount: l.Discount,
      BaseAmountValue: l.BaseAmountValue,
      LineType: l.LineType ?? 'Product',
    }
  })
}

/** What a sales document's create body says of its texts and settings (all optional). */
interface TextsBody {
  Date?: string | null | undefined
  Currency?: string | null | undefined
  Language?: string | null | undefined
  ExternalReference?: string | null | undefined
  Description?: string | null | undefined
  Comment?: string | null | undefined
  Address?: string | null | undefined
  ShowLinesInclVat?: boolean | null | undefined
  InvoiceTemplateId?: string | null | undefined
}

/**
 * The stored texts and settings of a sales document from its body: dated today, `fallback` currency
 * and language, and described by its noun ([en-GB, da-DK]) in its language when the body says nothing.
 */
export function storedTexts(
  ctx: DineroContext,
  body: TextsBody,
  fallback: { Currency: string; Language: string },
  noun: readonly [english: string, danish: string],
): Omit<SalesDocumentFields, 'ProductLines'> {
  const language = body.Language ?? fallback.Language
  return {
    Date: body.Date ?? isoDay(ctx.clock.now()),
    Currency: body.Currency ?? fallback.Currency,
    Language: language,
    ExternalReference: body.ExternalReference ?? null,
    Description: body.Description ?? (language === 'en-GB' ? noun[0] : noun[1]),
    Comment: body.Comment ?? null,
    Address: body.Address ?? null,
    ShowLinesInclVat: body.ShowLinesInclVat ?? false,
    InvoiceTemplateId: body.InvoiceTemplateId ?? null,
  }
}

/** The document part of a sales read model, from ShowLinesInclVat to Address, in the wire's order. */
export function documentFields(ctx: DineroContext, org: Organisation, d: SalesDocumentFields) {
  const accounts = ctx.store.entryAccounts(org.Id)
  const t = invoiceTotals(org, accounts, d)
  return {
    ShowLinesInclVat: d.ShowLinesInclVat,
    ...t,
    TotalLines: [
      { Type: 'SubTotal', TotalAmount: t.TotalExclVat, Position: 0, Label: 'Subtotal' },
      { Type: 'Vat', TotalAmount: t.TotalVat, Position: 1, Label: 'Moms (25%)' },
      { Type: 'Total', TotalAmount: t.TotalInclVat, Position: 2, Label: `Total ${d.Currency}` },
    ],
    InvoiceTemplateId: d.InvoiceTemplateId,
    Currency: d.Currency,
    Language: d.Language,
    ExternalReference: d.ExternalReference,
    Description: d.Description,
    Comment: d.Comment,
    Date: d.Date,
    ProductLines: d.ProductLines.map((line) => {
      const a = lineAmounts(org, accounts, line, d.ShowLinesInclVat)
      return {
        AccountName: a.AccountName,
        BaseAmountValue: a.BaseAmountValue,
        BaseAmountValueInclVat: a.BaseAmountValueInclVat,
        TotalAmount: a.TotalAmount,
        TotalAmountInclVat: a.TotalAmountInclVat,
        ProductGuid: line.ProductGuid,
        Description: line.Description,
        Comments: line.Comments,
        Quantity: line.Quantity,
        AccountNumber: line.AccountNumber,
        Unit: line.Unit,
        Discount: line.Discount,
        LineType: line.LineType,
      }
    }),
    Address: d.Address,
  }
}

/** MailOutStatus and LatestMailOutType from what was last e-mailed about the document. */
export function mailOutState(ctx: DineroContext, org: Organisation, guid: string) {
  const sent = latestMailout(ctx, org, guid)
  return sent === undefined
    ? { MailOutStatus: 'NotSent', LatestMailOutType: null }
    : { MailOutStatus: 'Sent', LatestMailOutType: sent.data.Type }
}

/** The payments of an invoice or a sales credit note as InvoicePaymentsModel.Payments lists them. */
export const paymentList = (payments: readonly Payment[], currency: string) =>
  payments.map((p) => ({
    Guid: p.Guid,
    DepositAccountNumber: p.DepositAccountNumber,
    Currency: currency,
    ExchangeRate: 100,
    PaymentClass: 'Payment',
    RelatedVoucherId: null,
    ExternalReference: p.ExternalReference,
    PaymentDate: p.PaymentDate,
    Description: p.Description,
    Amount: p.Amount,
  }))

/** Refuses a deposit account the organisation does not have (400 code 42 naming it). */
export function checkDepositAccount(ctx: DineroContext, org: Organisation, accountNumber: number): void {
  if (!ctx.store.depositAccounts(org.Id).some((a) => a.AccountNumber === accountNumber))
    throw validationError({ DepositAccountNumber: `Deposit account ${accountNumber} does not exist` })
}

type PaymentBody = Pick<
  PaymentCreateModel,
  'DepositAccountNumber' | 'Amount' | 'Description' | 'PaymentDate' | 'ExternalReference' | 'RemainderIsFee'
>

/** What a payment keeps of its body (sales payments and purchase credit payments alike); paid today by default. */
export const paymentFields = (ctx: DineroContext, body: PaymentBody) => ({
  DepositAccountNumber: body.DepositAccountNumber,
  Amount: body.Amount,
  Description: body.Description,
  PaymentDate: body.PaymentDate ?? isoDay(ctx.clock.now()),
  ExternalReference: body.ExternalReference ?? null,
  RemainderIsFee: body.RemainderIsFee,
})

/** A payment on an invoice or a sales credit note from its PaymentCreateModel body. */
export function newPayment(ctx: DineroContext, org: Organisation, body: PaymentCreateModel): Payment {
  checkDepositAccount(ctx, org, body.DepositAccountNumber)
  return { Guid: randomUUID(), ...paymentFields(ctx, body), PostedAt: ctx.clock.now() }
}

/** How a booking speaks of the document: `the` and `a` in its refusals, `series` in a number clash. */
interface BookingNoun {
  the: string
  a: string
  series: string
}

/**
 * Books a draft invoice or sales credit note: already booked → 400 code 45, no ContactGuid → 42;
 * numbered in its own series (resource.ts: a requested number in use → 45) inside the
 * compare-and-set, so a stale Timestamp (58) books nothing; BookedAt is when its entries post.
 */
export function bookDraft<D extends Pick<InvoiceData, 'Status' | 'ContactGuid' | 'Number' | 'BookedAt'>>(
  ctx: DineroContext,
  documents: Resource<D>,
  org: Organisation,
  current: Row<D>,
  body: BookModel,
  noun: BookingNoun,
): Row<D> {
  if (current.data.Status === 'Booked') throw invalidRequest(`${noun.the} is already booked`)
  if (current.data.ContactGuid === null)
    throw validationError({ ContactGuid: `${noun.a} must have a ContactGuid to be booked` })
  return documents.modify(org, current.guid, body.Timestamp, (r) => ({
    data: {
      ...r.data,
      Status: 'Booked',
      Number: documents.nextNumber(org, (d) => d.Number, body.Number, noun.series),
      BookedAt: ctx.clock.now(),
    },
  }))
}

/** The latest non-SMS mailout of a voucher, for a read model's MailOutStatus/LatestMailOutType. */
export function latestMailout(ctx: DineroContext, org: Organisation, voucherGuid: string) {
  return ctx.store
    .mailouts(org.Id)
    .all()
    .filter((row) => !row.data.IsSms && row.data.VoucherGuid.toLowerCase() === voucherGuid.toLowerCase())
    .at(-1)
}
