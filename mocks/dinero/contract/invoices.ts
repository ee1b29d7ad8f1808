/**
 * Sales invoices (dinero-openapi): create/update/totals bodies and their lines, the read
 * model with `TimeStamp` (capital S), the sales list item and envelope, booking, deletion and
 * payment bodies (`Timestamp`, small s, like every request body), payments, e-mail and e-invoice.
 */
import { z } from 'zod'
import { collectionOf } from './common.ts'
import {
  amount,
  dateTime,
  double,
  externalReference,
  guid,
  InvoiceLanguage,
  InvoicePaymentConditionType,
  int32,
  int64,
  isoDate,
  LineType,
  paymentDays,
  Unit,
  versionTimestamp,
} from './scalars.ts'

const percentage = double.min(0).max(100)

export const InvoiceLinesCreateModel = z.strictObject({
  BaseAmountValue: amount,
  ProductGuid: guid.nullish(),
  Description: z.string().nullish(),
  Comments: z.string().nullish(),
  Quantity: amount,
  AccountNumber: int32,
  Unit: Unit.nullish(),
  Discount: percentage,
  LineType: LineType.nullish(),
})
export type InvoiceLinesCreateModel = z.infer<typeof InvoiceLinesCreateModel>

export const InvoiceCreateModel = z.strictObject({
  PaymentConditionNumberOfDays: paymentDays.nullish(),
  PaymentConditionType: InvoicePaymentConditionType.nullish(),
  ReminderFee: percentage.nullish(),
  ReminderInterestRate: percentage.nullish(),
  IsMobilePayInvoiceEnabled: z.boolean().nullish(),
  IsPensoPayEnabled: z.boolean().nullish(),
  ContactGuid: guid.nullish(),
  Guid: guid.nullish(),
  ShowLinesInclVat: z.boolean().nullish(),
  InvoiceTemplateId: guid.nullish(),
  Currency: z.string().nullish(),
  Language: InvoiceLanguage.nullish(),
  ExternalReference: externalReference.nullish(),
  Description: z.string().nullish(),
  Comment: z.string().nullish(),
  Date: isoDate.nullish(),
  /**
   * The spec's "Minimum one" is answered with code 45 (apaq-dinero-fixtures), so the handler checks it, not
   * the schema.
   */
  ProductLines: z.array(InvoiceLinesCreateModel),
  Address: z.string().nullish(),
})
export type InvoiceCreateModel = z.infer<typeof InvoiceCreateModel>

export const InvoiceCreateFetchModel = InvoiceCreateModel
export type InvoiceCreateFetchModel = z.infer<typeof InvoiceCreateFetchModel>

export const InvoiceUpdateModel = InvoiceCreateModel.extend({ Timestamp: versionTimestamp })
export type InvoiceUpdateModel = z.infer<typeof InvoiceUpdateModel>

export const TotalLine = z.looseObject({
  Type: z.string().nullish(),
  TotalAmount: double,
  Position: int32.nullish(),
  Label: z.string().nullish(),
})
export type TotalLine = z.infer<typeof TotalLine>

export const InvoiceLinesReadModel = z.looseObject({
  AccountName: z.string().nullish(),
  BaseAmountValue: double,
  BaseAmountValueInclVat: double,
  TotalAmount: double,
  TotalAmountInclVat: double,
  ProductGuid: guid.nullish(),
  Description: z.string().nullish(),
  Comments: z.string().nullish(),
  Quantity: double,
  AccountNumber: int32,
  Unit: z.string().nullish(),
  Discount: double,
  LineType: z.string().nullish(),
})
export type InvoiceLinesReadModel = z.infer<typeof InvoiceLinesReadModel>

/** Fields the invoice read model shares with the totals preview of POST …/invoices/fetch. */
const invoiceDocument = {
  PaymentDate: z.string().nullish(),
  PaymentConditionNumberOfDays: int32,
  PaymentConditionType: z.string().nullish(),
  ContactGuid: guid.nullish(),
  Number: int64,
  ContactName: z.string().nullish(),
  ShowLinesInclVat: z.boolean(),
  TotalExclVat: double,
  TotalVatableAmount: double,
  TotalInclVat: double,
  TotalNonVatableAmount: double,
  TotalVat: double,
  TotalLines: z.array(TotalLine).nullish(),
  InvoiceTemplateId: guid.nullish(),
  Currency: z.string().nullish(),
  Language: z.string().nullish(),
  ExternalReference: z.string().nullish(),
  Description: z.string().nullish(),
  Comment: z.string().nullish(),
  Date: z.string().nullish(),
  ProductLines: z.array(InvoiceLinesReadModel),
  Address: z.string().nullish(),
}

export const InvoiceReadModel = z.looseObject({
  ...invoiceDocument,
  PaymentStatus: z.string().nullish(),
  FikCode: z.string().nullish(),
  DepositAccountNumber: int32.nullish(),
  MailOutStatus: z.string().nullish(),
  LatestMailOutType: z.string().nullish(),
  IsSentToDebtCollection: z.boolean(),
  IsMobilePayInvoiceEnabled: z.boolean(),
  IsPensoPayEnabled: z.boolean(),
  Status: z.string().nullish(),
  Guid: guid,
  TimeStamp: z.string().nullish(),
  CreatedAt: dateTime.nullish(),
  UpdatedAt: dateTime.nullish(),
  DeletedAt: dateTime.nullish(),
})
export type InvoiceReadModel = z.infer<typeof InvoiceReadModel>

export const InvoiceFetchReadModel = z.looseObject({
  ...invoiceDocument,
  CanEnableMobilePayInvoice: z.boolean(),
  CanEnablePensoPay: z.boolean(),
})
export type InvoiceFetchReadModel = z.infer<typeof InvoiceFetchReadModel>

/**
 * Item of the invoices, credit notes and sales lists; live items hold only the `fields=` projection
 * (dinero-openapi).
 */
export const SalesVoucherReadListModel = z.looseObject({
  Number: int64,
  Guid: guid,
  ExternalReference: z.string().nullish(),
  Date: z.string().nullish(),
  PaymentDate: z.string().nullish(),
  Description: z.string().nullish(),
  Status: z.string().nullish(),
  Type: z.string().nullish(),
  ContactName: z.string().nullish(),
  ContactGuid: guid.nullish(),
  TotalInclVat: double,
  TotalExclVat: double,
  TotalInclVatInDkk: double,
  TotalExclVatInDkk: double,
  MailOutStatus: z.string().nullish(),
  LatestMailOutType: z.string().nullish(),
  Currency: z.string().nullish(),
  CreatedAt: dateTime.nullish(),
  UpdatedAt: dateTime.nullish(),
  DeletedAt: dateTime.nullish(),
})
export type SalesVoucherReadListModel = z.infer<typeof SalesVoucherReadListModel>

export const SalesVoucherReadListModelDineroCollection = collectionOf(SalesVoucherReadListModel)
export type SalesVoucherReadListModelDineroCollection = z.infer<
  typeof SalesVoucherReadListModelDineroCollection
>

/** DELETE and generate-creditnote body; the version check is skipped when `Timestamp` is absent. */
export const TimestampObject = z.strictObject({ Timestamp: z.string().nullish() })
export type TimestampObject = z.infer<typeof TimestampObject>

export const RequiredTimestampObject = z.strictObject({ Timestamp: versionTimestamp })
export type RequiredTimestampObject = z.infer<typeof RequiredTimestampObject>

/**
 * A number asked for at booking: 1 up to 2^53 − 1. Dinero's is a .NET long, but a JSON number
 * past 2^53 is not one number in JavaScript (2^53 + 1 reads as 2^53), and the next automatic
 * number after 2^53 was 2^53 again, so every later booking shared it (assumption:
 * open-dinero-amount-bounds). A draft's served Number, long.MaxValue, is refused with the rest.
 */
const requestedNumber = int64.refine((n) => n >= 1 && n <= Number.MAX_SAFE_INTEGER, {
  message: `must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`,
})

/** Booking body for invoices and vouchers; a `Number` already taken makes the booking fail. */
export const BookModel = z.strictObject({
  Number: requestedNumber.nullish(),
  Timestamp: versionTimestamp,
})
export type BookModel = z.infer<typeof BookModel>

export const PaymentCreateModel = z.strictObject({
  Timestamp: versionTimestamp,
  DepositAccountNumber: int32,
  RemainderIsFee: z.boolean(),
  AmountInForeignCurrency: amount.nullish(),
  ExternalReference: externalReference.nullish(),
  PaymentDate: isoDate.nullish(),
  Description: z.string().min(1),
  Amount: amount.refine((n) => n !== 0, 'Amount must not be 0'),
})
export type PaymentCreateModel = z.infer<typeof PaymentCreateModel>

export const CreatedPaymentResponse = z.looseObject({
  Guid: guid,
  TimeStamp: z.string().nullish(),
  RelatedVoucherGuid: guid.nullish(),
})
export type CreatedPaymentResponse = z.infer<typeof CreatedPaymentResponse>

export const DeletedPaymentResponse = z.looseObject({ TimeStamp: z.string().nullish() })
export type DeletedPaymentResponse = z.infer<typeof DeletedPaymentResponse>

export const PaymentReadModel = z.looseObject({
  Guid: guid,
  DepositAccountNumber: int32.nullish(),
  Currency: z.string().nullish(),
  /** DKK per 100 units of the payment currency: 100 for DKK, 745.6 in the spec's example. */
  ExchangeRate: double,
  PaymentClass: z.string().nullish(),
  RelatedVoucherId: guid.nullish(),
  ExternalReference: z.string().nullish(),
  PaymentDate: z.string().nullish(),
  Description: z.string(),
  Amount: double,
})
export type PaymentReadModel = z.infer<typeof PaymentReadModel>

export const InvoicePaymentsModel = z.looseObject({
  Payments: z.array(PaymentReadModel).nullish(),
  RemainingAmount: double,
  PaidAmount: double,
  InvoiceTotalIncludingReminderExpenses: double,
  RemainderAsFeeAvailable: z.boolean(),
})
export type InvoicePaymentsModel = z.infer<typeof InvoicePaymentsModel>

export const ApiMailoutModel = z.strictObject({
  Timestamp: z.string().nullish(),
  Sender: z.string().nullish(),
  CcToSender: z.boolean().nullish(),
  Receiver: z.string().nullish(),
  Subject: z.string().nullish(),
  Message: z
    .string()
    .refine((message) => message.includes('[link-to-pdf]'), 'Message must contain [link-to-pdf]')
    .nullish(),
  AddVoucherAsPdfAttachment: z.boolean().nullish(),
  ShouldAddTrustPilotEmailAsBcc: z.boolean(),
})
export type ApiMailoutModel = z.infer<typeof ApiMailoutModel>

export const EmailRecipientModel = z.looseObject({ Email: z.string().nullish() })
export type EmailRecipientModel = z.infer<typeof EmailRecipientModel>

export const EmailSentModel = z.looseObject({ Recipients: z.array(EmailRecipientModel).nullish() })
export type EmailSentModel = z.infer<typeof EmailSentModel>

export const PaymentMean = z.enum(['Domestic', 'International', 'FIK'])
export type PaymentMean = z.infer<typeof PaymentMean>

export const EInvoiceSendModel = z.strictObject({
  OrderReference: z.string().nullish(),
  AttPerson: z.string().nullish(),
  Timestamp: z.string().nullish(),
  PaymentMeanEnum: PaymentMean,
})
export type EInvoiceSendModel = z.infer<typeof EInvoiceSendModel>
