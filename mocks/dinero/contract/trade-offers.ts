/**
 * Trade offers, reminders and SMS (dinero-openapi). The extraction states the trade offer models
 * in prose ("ContactGuid (uuid, required), Guid, ShowLinesInclVat, …", "as TradeOfferCreateModel
 * but ContactGuid nullable", lines of "same shape as InvoiceLinesCreateModel") and names only the
 * required properties of TradeOfferUpdateModel, TradeOfferFetchReadModel and ReminderFetchModel;
 * these schemas spell that prose out over the invoice models it points to. They are not in
 * `contractSchemas`: the drift spec holds only what the extraction states in full, and the
 * generated layer keeps its own reading of the prose for the operations nobody hand-writes.
 * The models the extraction does state in full (ReminderCreateModel, ReminderViewModel,
 * SmsSendModel, MailoutTemplateReadModel, …) are the generated ones (`generated.schema`).
 */
import { z } from 'zod'
import { collectionOf } from './common.ts'
import {
  InvoiceCreateModel,
  InvoiceLinesCreateModel,
  InvoiceLinesReadModel,
  InvoiceReadModel,
} from './invoices.ts'
import { dateTime, double, guid, versionTimestamp } from './scalars.ts'

export const TradeOfferLineCreateModel = InvoiceLinesCreateModel
export const TradeOfferLineReadModel = InvoiceLinesReadModel

const offerFields = InvoiceCreateModel.pick({
  Guid: true,
  ShowLinesInclVat: true,
  InvoiceTemplateId: true,
  Currency: true,
  Language: true,
  ExternalReference: true,
  Description: true,
  Comment: true,
  Date: true,
  Address: true,
}).shape

export const TradeOfferCreateModel = z.strictObject({
  ...offerFields,
  ContactGuid: guid,
  ProductLines: z.array(TradeOfferLineCreateModel),
})
export type TradeOfferCreateModel = z.infer<typeof TradeOfferCreateModel>

export const TradeOfferCreateFetchModel = TradeOfferCreateModel.extend({ ContactGuid: guid.nullish() })
export type TradeOfferCreateFetchModel = z.infer<typeof TradeOfferCreateFetchModel>

/** Required ContactGuid, ProductLines, Timestamp (dinero-openapi); the rest as on create, like invoices. */
export const TradeOfferUpdateModel = TradeOfferCreateModel.extend({ Timestamp: versionTimestamp })
export type TradeOfferUpdateModel = z.infer<typeof TradeOfferUpdateModel>

export const TradeOfferHistoryReadModel = z.looseObject({
  Status: z.string().nullish(),
  UpdatedAt: dateTime,
  TradeOfferEmailSentAt: dateTime.nullish(),
  ConfirmationEmailSentAt: dateTime.nullish(),
  TotalInclVat: double.nullish(),
  Currency: z.string().nullish(),
})

/** The invoice document's fields a trade offer shares ("ContactName, ShowLinesInclVat, totals, …"). */
const offerDocument = InvoiceReadModel.pick({
  ContactName: true,
  ShowLinesInclVat: true,
  TotalExclVat: true,
  TotalVatableAmount: true,
  TotalInclVat: true,
  TotalNonVatableAmount: true,
  TotalVat: true,
  TotalLines: true,
  InvoiceTemplateId: true,
  Currency: true,
  Language: true,
  ExternalReference: true,
  Description: true,
  Comment: true,
  Date: true,
  Address: true,
  Number: true,
}).shape

export const TradeOfferReadModel = z.looseObject({
  ...offerDocument,
  HasGeneratedAnyVouchers: z.boolean(),
  ContactGuid: guid,
  Status: z.string().nullish(),
  MailOutStatus: z.string().nullish(),
  LatestMailOutType: z.string().nullish(),
  GeneratedVouchers: z.array(guid).nullish(),
  History: z.array(TradeOfferHistoryReadModel).nullish(),
  Guid: guid,
  TimeStamp: z.string().nullish(),
  CreatedAt: dateTime.nullish(),
  UpdatedAt: dateTime.nullish(),
  DeletedAt: dateTime.nullish(),
  ProductLines: z.array(TradeOfferLineReadModel),
})
export type TradeOfferReadModel = z.infer<typeof TradeOfferReadModel>

export const TradeOfferReadModelDineroCollection = collectionOf(TradeOfferReadModel)

/** Required: Number, ProductLines, ShowLinesInclVat and the five totals (dinero-openapi). */
export const TradeOfferFetchReadModel = z.looseObject({
  ...offerDocument,
  ContactGuid: guid.nullish(),
  ProductLines: z.array(TradeOfferLineReadModel),
})
export type TradeOfferFetchReadModel = z.infer<typeof TradeOfferFetchReadModel>

/**
 * The extraction names only its required properties (Date and the four flags); they are
 * ReminderCreateModel's, so the body is that model without the version it does not change.
 */
export const ReminderFetchModel = z.strictObject({
  Date: z.string(),
  Title: z.string().nullish(),
  Description: z.string().nullish(),
  WithDebtCollectionWarning: z.boolean(),
  WithFee: z.boolean(),
  WithInterestFee: z.boolean(),
  WithCompensationFee: z.boolean(),
})
export type ReminderFetchModel = z.infer<typeof ReminderFetchModel>
