/**
 * Purchase vouchers (dinero-openapi): the V2 create body (also sent to …/fetch and
 * …/similar), the update body, their lines, and the read model, which uses `Timestamp`
 * (small s) unlike the sales read models. Deletion and booking bodies live in invoices.ts.
 */
import { z } from 'zod'
import {
  amount,
  double,
  externalReference,
  guid,
  int32,
  int64,
  isoDate,
  PurchaseType,
  RegionKey,
  versionTimestamp,
} from './scalars.ts'

/**
 * Read-model names (AmountExclVatValue, BaseAmountValue) sent here are silently dropped by the
 * live API, leaving a zero-value voucher (manyfold-dinero-tests); strictness makes the mock refuse them.
 */
export const PurchaseVoucherLineCreateModel = z.strictObject({
  AccountNumber: int32.nullish(),
  Description: z.string().nullish(),
  Amount: amount,
  VatCode: z.string().nullish(),
  AccountTagName: z.string().nullish(),
  SynonymWithMostWeight: z.string().nullish(),
  TagId: guid.nullish(),
  TagVersion: int32.nullish(),
})
export type PurchaseVoucherLineCreateModel = z.infer<typeof PurchaseVoucherLineCreateModel>

/**
 * Cash purchases with PaymentDate or CurrencyKey are refused with 400 (manyfold-dinero-tests); that rule is
 * the handler's.
 */
export const PurchaseVoucherCreateModelV2 = z.strictObject({
  Lines: z.array(PurchaseVoucherLineCreateModel).nullish(),
  VoucherDate: isoDate.nullish(),
  DepositAccountNumber: int32.nullish(),
  RegionKey: RegionKey.nullish(),
  FileGuid: z.string().nullish(),
  ContactGuid: guid.nullish(),
  PaymentDate: isoDate.nullish(),
  PurchaseType,
  CurrencyKey: z.string().nullish(),
  ExternalReference: externalReference.nullish(),
})
export type PurchaseVoucherCreateModelV2 = z.infer<typeof PurchaseVoucherCreateModelV2>

/**
 * A string the extraction leaves untyped on update but types as an enum on create: refused on
 * update with create's own message, so a region or purchase type create refuses is never stored.
 */
const oneOf = (e: z.ZodEnum<Record<string, string>>) =>
  z.string().refine((v) => e.options.includes(v), {
    message: `Invalid option: expected one of ${e.options.map((o) => JSON.stringify(o)).join('|')}`,
  })

/**
 * The same dates, region and purchase type as on create: an update took any non-empty VoucherDate
 * ("not-a-date"), which booked and then left the organisation with no accounting years.
 */
export const PurchaseVoucherUpdateModel = z.strictObject({
  Lines: z.array(PurchaseVoucherLineCreateModel),
  VoucherDate: isoDate,
  Timestamp: versionTimestamp,
  DepositAccountNumber: int32.nullish(),
  RegionKey: oneOf(RegionKey).nullish(),
  FileGuid: z.string().nullish(),
  ContactGuid: guid,
  PaymentDate: isoDate.nullish(),
  PurchaseType: oneOf(PurchaseType),
  CurrencyKey: z.string().nullish(),
  ExternalReference: externalReference.nullish(),
})
export type PurchaseVoucherUpdateModel = z.infer<typeof PurchaseVoucherUpdateModel>

export const PurchaseVoucherLineReadModel = z.looseObject({
  Description: z.string().nullish(),
  VatCode: z.string().nullish(),
  AccountNumber: int32.nullish(),
  AmountExclVatValue: double,
  AmountInclVatValue: double,
  VatAmountValue: double,
  AccountTagName: z.string().nullish(),
  AccountWeightTagId: guid.nullish(),
  AccountWeightTagVersion: int32.nullish(),
  AccountTagSynonym: z.string().nullish(),
})
export type PurchaseVoucherLineReadModel = z.infer<typeof PurchaseVoucherLineReadModel>

export const PurchaseVoucherTotalReadModel = z.looseObject({
  Label: z.string().nullish(),
  Total: double,
  Type: z.string().nullish(),
  Position: int32,
})
export type PurchaseVoucherTotalReadModel = z.infer<typeof PurchaseVoucherTotalReadModel>

/** Shared by the read model and the totals preview of POST …/vouchers/purchase/fetch. */
const purchaseVoucherDocument = {
  Status: z.string().nullish(),
  FileGuid: z.string().nullish(),
  VoucherNumber: int64.nullish(),
  VoucherDate: z.string().nullish(),
  PaymentDate: z.string().nullish(),
  RegionKey: z.string().nullish(),
  PurchaseType: z.string().nullish(),
  Lines: z.array(PurchaseVoucherLineReadModel).nullish(),
  DepositAccountNumber: int32.nullish(),
  ContactGuid: guid.nullish(),
  ExternalReference: z.string().nullish(),
  VoucherTotals: z.array(PurchaseVoucherTotalReadModel).nullish(),
}

export const PurchaseVoucherReadModelV2 = z.looseObject({
  ...purchaseVoucherDocument,
  Guid: guid,
  Timestamp: z.string().nullish(),
  CurrencyKey: z.string().nullish(),
  BookedByType: z.string().nullish(),
  BookedByUsername: z.string().nullish(),
  BookingTime: z.string().nullish(),
})
export type PurchaseVoucherReadModelV2 = z.infer<typeof PurchaseVoucherReadModelV2>

export const PurchaseVoucherFetchReadModel = z.looseObject({
  ...purchaseVoucherDocument,
  ShouldPossiblyBeFixedAsset: z.boolean(),
})
export type PurchaseVoucherFetchReadModel = z.infer<typeof PurchaseVoucherFetchReadModel>

export const SimilarPurchaseVoucherReadModel = z.looseObject({
  VoucherNumber: int64.nullish(),
  SimilarGuid: guid.nullish(),
  SimilarFound: z.boolean(),
})
export type SimilarPurchaseVoucherReadModel = z.infer<typeof SimilarPurchaseVoucherReadModel>
