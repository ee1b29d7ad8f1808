/**
 * Credit notes (dinero-openapi): the sales credit note bodies (create, totals, update), the
 * purchase credit note bodies, the body that generates a credit note from a purchase voucher, and
 * the payment body of credit purchase vouchers and purchase credit notes. Hand-written because the
 * mock books them (credit-notes.ts, purchase-credit-notes.ts); the read models stay generated.
 * The update bodies the extraction states only in prose ("Timestamp + SalesCreditNoteCreateModel
 * fields"; a name list for PurchaseCreditNoteUpdateModel) are built here from the create bodies and
 * kept out of the drift spec's contract, like every prose model.
 */
import { z } from 'zod'
import { InvoiceCreateModel, TimestampObject } from './invoices.ts'
import { amount, guid, int32, isoDate, versionTimestamp } from './scalars.ts'
import { PurchaseVoucherLineCreateModel } from './vouchers.ts'

/** The invoice document fields a sales credit note body has too, in the extraction's order. */
const creditNoteFields = InvoiceCreateModel.pick({
  ContactGuid: true,
  Guid: true,
  ShowLinesInclVat: true,
  InvoiceTemplateId: true,
  Currency: true,
  Language: true,
  ExternalReference: true,
  Description: true,
  Comment: true,
  Date: true,
  ProductLines: true,
  Address: true,
}).shape

export const SalesCreditNoteCreateModel = z.strictObject({
  /** "invoice the credit note is based on". */
  CreditNoteFor: guid.nullish(),
  ...creditNoteFields,
  /** da-DK or en-GB: the handler checks it (the extraction types it as a string here). */
  Language: z.string().nullish(),
})
export type SalesCreditNoteCreateModel = z.infer<typeof SalesCreditNoteCreateModel>

/** "same as SalesCreditNoteCreateModel". */
export const SalesCreditNoteCreateFetchModel = SalesCreditNoteCreateModel

/** Prose in the extraction: "Timestamp + SalesCreditNoteCreateModel fields". */
export const SalesCreditNoteUpdateModel = SalesCreditNoteCreateModel.extend({ Timestamp: versionTimestamp })
export type SalesCreditNoteUpdateModel = z.infer<typeof SalesCreditNoteUpdateModel>

export const PurchaseCreditNoteCreateModel = z.strictObject({
  Guid: guid.nullish(),
  /** The purchase voucher credited. */
  CreditNoteFor: guid.nullish(),
  FileGuid: z.string().nullish(),
  ContactGuid: guid.nullish(),
  /** date-time, example '2022-05-16': the handler reads the day. */
  Date: z.string().nullish(),
  Currency: z.string().nullish(),
  /** "min one": checked by the handler (code 45), as for invoices. */
  Lines: z.array(PurchaseVoucherLineCreateModel),
})
export type PurchaseCreditNoteCreateModel = z.infer<typeof PurchaseCreditNoteCreateModel>

/** Prose in the extraction: CreditNoteFor, FileGuid, ContactGuid, Date, Currency, Lines, Timestamp. */
export const PurchaseCreditNoteUpdateModel = PurchaseCreditNoteCreateModel.omit({ Guid: true }).extend({
  Timestamp: versionTimestamp,
})
export type PurchaseCreditNoteUpdateModel = z.infer<typeof PurchaseCreditNoteUpdateModel>

/** The extraction types `Timestamp` as `$ref TimestampObject`: an object holding the version. */
export const CreditNoteForPurchaseVoucherRequest = z.strictObject({
  Timestamp: TimestampObject,
  VoucherDate: z.string().nullish(),
  FileGuid: z.string().nullish(),
})
export type CreditNoteForPurchaseVoucherRequest = z.infer<typeof CreditNoteForPurchaseVoucherRequest>

export const PurchaseVoucherCreditPaymentCreateModel = z.strictObject({
  RemainderIsFee: z.boolean(),
  Timestamp: versionTimestamp,
  DepositAccountNumber: int32,
  AmountInForeignCurrency: amount.nullish(),
  ExternalReference: z.string().nullish(),
  PaymentDate: isoDate.nullish(),
  Description: z.string().min(1),
  Amount: amount,
})
export type PurchaseVoucherCreditPaymentCreateModel = z.infer<typeof PurchaseVoucherCreditPaymentCreateModel>
