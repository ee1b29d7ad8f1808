/**
 * The Dinero API contract (dinero-openapi, dinero-api-errors): zod schemas named after the OpenAPI
 * components,
 * plus `contractSchemas`, every schema that stands for a component, keyed by its OpenAPI name,
 * for specs/dinero/contract-drift.spec.ts to hold against the extraction: hand-written where the
 * mock models the resource, generated from the extraction (generated.ts) for the rest.
 */
import type { z } from 'zod'
import {
  AccountCreateModel,
  DepositAccountReadModel,
  DepositCreateModel,
  EntryAccountReadModel,
} from './accounts.ts'
import { CreatedResponseModel, PaginationDetails, UpdatedResponseModel } from './common.ts'
import {
  ContactCreatedResult,
  ContactCreateModel,
  ContactNoteCreateModel,
  ContactNoteReadModel,
  ContactNoteReadModelDineroCollection,
  ContactNoteUpdateModel,
  ContactReadModel,
  ContactReadModelDineroCollection,
  ContactUpdateModel,
} from './contacts.ts'
import {
  CreditNoteForPurchaseVoucherRequest,
  PurchaseCreditNoteCreateModel,
  PurchaseVoucherCreditPaymentCreateModel,
  SalesCreditNoteCreateFetchModel,
  SalesCreditNoteCreateModel,
} from './credit-notes.ts'
import { generateContract } from './generated.ts'
import {
  ApiMailoutModel,
  BookModel,
  CreatedPaymentResponse,
  DeletedPaymentResponse,
  EInvoiceSendModel,
  EmailRecipientModel,
  EmailSentModel,
  InvoiceCreateFetchModel,
  InvoiceCreateModel,
  InvoiceFetchReadModel,
  InvoiceLinesCreateModel,
  InvoiceLinesReadModel,
  InvoicePaymentsModel,
  InvoiceReadModel,
  InvoiceUpdateModel,
  PaymentCreateModel,
  PaymentMean,
  PaymentReadModel,
  RequiredTimestampObject,
  SalesVoucherReadListModel,
  SalesVoucherReadListModelDineroCollection,
  TimestampObject,
  TotalLine,
} from './invoices.ts'
import {
  LedgerItemLineModelV2,
  LedgerItemModel,
  LedgerItemModelV2,
  LedgerItemStatusModel,
} from './ledger-items.ts'
import {
  ManuelVoucherCreateModel,
  ManuelVoucherLineCreateModel,
  ManuelVoucherUpdateModel,
} from './manual-vouchers.ts'
import { OrganizationReadModel, OrganizationReadModelV2, SubscriptionReadModel } from './organizations.ts'
import {
  ProductCreatedResult,
  ProductCreateModel,
  ProductReadModel,
  ProductReadModelDineroCollection,
  ProductUpdateModel,
} from './products.ts'
import {
  PurchaseVoucherCreateModelV2,
  PurchaseVoucherFetchReadModel,
  PurchaseVoucherLineCreateModel,
  PurchaseVoucherLineReadModel,
  PurchaseVoucherReadModelV2,
  PurchaseVoucherTotalReadModel,
  PurchaseVoucherUpdateModel,
  SimilarPurchaseVoucherReadModel,
} from './vouchers.ts'

export * from './accounts.ts'
export * from './common.ts'
export * from './contacts.ts'
export * from './credit-notes.ts'
export * from './invoices.ts'
export * from './ledger-items.ts'
export * from './manual-vouchers.ts'
export * from './organizations.ts'
export * from './products.ts'
export * from './scalars.ts'
export * from './vouchers.ts'

const handWritten = {
  AccountCreateModel,
  ApiMailoutModel,
  BookModel,
  ContactCreatedResult,
  ContactCreateModel,
  ContactNoteCreateModel,
  ContactNoteReadModel,
  ContactNoteReadModelDineroCollection,
  ContactNoteUpdateModel,
  ContactReadModel,
  ContactReadModelDineroCollection,
  ContactUpdateModel,
  CreatedPaymentResponse,
  CreatedResponseModel,
  CreditNoteForPurchaseVoucherRequest,
  DeletedPaymentResponse,
  DepositAccountReadModel,
  DepositCreateModel,
  EInvoiceSendModel,
  EmailRecipientModel,
  EmailSentModel,
  EntryAccountReadModel,
  InvoiceCreateFetchModel,
  InvoiceCreateModel,
  InvoiceFetchReadModel,
  InvoiceLinesCreateModel,
  InvoiceLinesReadModel,
  InvoicePaymentsModel,
  InvoiceReadModel,
  InvoiceUpdateModel,
  LedgerItemLineModelV2,
  LedgerItemModel,
  LedgerItemModelV2,
  LedgerItemStatusModel,
  ManuelVoucherCreateModel,
  ManuelVoucherLineCreateModel,
  ManuelVoucherUpdateModel,
  OrganizationReadModel,
  OrganizationReadModelV2,
  PaginationDetails,
  PaymentCreateModel,
  PaymentMean,
  PaymentReadModel,
  ProductCreatedResult,
  ProductCreateModel,
  ProductReadModel,
  ProductReadModelDineroCollection,
  ProductUpdateModel,
  PurchaseCreditNoteCreateModel,
  PurchaseVoucherCreateModelV2,
  PurchaseVoucherCreditPaymentCreateModel,
  PurchaseVoucherFetchReadModel,
  PurchaseVoucherLineCreateModel,
  PurchaseVoucherLineReadModel,
  PurchaseVoucherReadModelV2,
  PurchaseVoucherTotalReadModel,
  PurchaseVoucherUpdateModel,
  RequiredTimestampObject,
  SalesCreditNoteCreateFetchModel,
  SalesCreditNoteCreateModel,
  SalesVoucherReadListModel,
  SalesVoucherReadListModelDineroCollection,
  SimilarPurchaseVoucherReadModel,
  SubscriptionReadModel,
  TimestampObject,
  TotalLine,
  UpdatedResponseModel,
} satisfies Record<string, z.ZodType>

/** The components no hand-written schema covers, converted from the extraction (generated.ts). */
export const generated = generateContract(handWritten)

/** Hand-written schemas first; the generated ones add every component the extraction states exactly. */
export const contractSchemas: typeof handWritten & Readonly<Record<string, z.ZodType>> = {
  ...generated.generatedContract,
  ...handWritten,
}

export type ContractSchemaName = keyof typeof handWritten
