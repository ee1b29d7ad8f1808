/**
 * Ledger items ("kassekladde", dinero-openapi): the bodies of the ledger item operations,
 * hand-written because the mock keeps and books them (ledger-items.ts). The same models come back
 * from `POST …/ledgeritems/ledgers`, so they stay strict: what is sent is what is answered.
 */
import { z } from 'zod'
import { amount, guid, int32 } from './scalars.ts'

export const LedgerItemLineModelV2 = z.strictObject({
  Id: guid.nullish(),
  Description: z.string().nullish(),
  Amount: amount.nullish(),
  AccountNumber: int32.nullish(),
  AccountVatCode: z.string().nullish(),
  BalancingAccountNumber: int32.nullish(),
  BalancingAccountVatCode: z.string().nullish(),
  IsPaymentForVoucherId: guid.nullish(),
})
export type LedgerItemLineModelV2 = z.infer<typeof LedgerItemLineModelV2>

export const LedgerItemModelV2 = z.strictObject({
  Id: guid.nullish(),
  Version: z.string().nullish(),
  VoucherNumber: int32.nullish(),
  VoucherDate: z.string().nullish(),
  FileGuid: z.string().nullish(),
  Lines: z.array(LedgerItemLineModelV2).nullish(),
})
export type LedgerItemModelV2 = z.infer<typeof LedgerItemModelV2>

export const LedgerItemModel = z.strictObject({ Id: guid, Version: z.string().nullish() })
export type LedgerItemModel = z.infer<typeof LedgerItemModel>

export const LedgerItemStatusModel = z.strictObject({ Id: guid })
export type LedgerItemStatusModel = z.infer<typeof LedgerItemStatusModel>
