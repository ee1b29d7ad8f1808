/**
 * Accounts (dinero-openapi): entry and deposit account items of the plain-array lists and the
 * create bodies. List items hold only the `fields=` projection live (dinero-openapi).
 */
import { z } from 'zod'
import { int32 } from './scalars.ts'

export const EntryAccountReadModel = z.looseObject({
  AccountNumber: int32,
  PublicStandardNumber: int32.nullish(),
  Name: z.string().nullish(),
  VatCode: z.string().nullish(),
  Category: z.string().nullish(),
  CategoryName: z.string().nullish(),
  IsHidden: z.boolean(),
  IsDefaultSalesAccount: z.boolean(),
})
export type EntryAccountReadModel = z.infer<typeof EntryAccountReadModel>

export const DepositAccountReadModel = z.looseObject({
  AccountNumber: int32,
  PublicStandardNumber: int32.nullish(),
  Name: z.string().nullish(),
  IsDefault: z.boolean(),
  IsHidden: z.boolean(),
  BankRegistrationNumber: z.string().nullish(),
  BankAccountNumber: z.string().nullish(),
  BankSwiftNumber: z.string().nullish(),
  BankIbanNumber: z.string().nullish(),
})
export type DepositAccountReadModel = z.infer<typeof DepositAccountReadModel>

/** `VatCode` names an existing VAT code (U25, I25, …); `none` leaves the account without VAT. */
export const AccountCreateModel = z.strictObject({
  Number: int32,
  PublicStandardNumber: int32.nullish(),
  Name: z.string().min(1),
  VatCode: z.string().min(1),
})
export type AccountCreateModel = z.infer<typeof AccountCreateModel>

export const DepositCreateModel = z.strictObject({
  Number: int32,
  PublicStandardNumber: int32.nullish(),
  Name: z.string().min(1),
  RegistrationNumber: z.string().nullish(),
  AccountNumber: z.string().nullish(),
  SwiftNumber: z.string().nullish(),
  IbanNumber: z.string().nullish(),
})
export type DepositCreateModel = z.infer<typeof DepositCreateModel>
