/**
 * Manual vouchers ("finansbilag", dinero-openapi): the create and update bodies and their lines,
 * hand-written because the mock books them (manual-vouchers.ts). The read models stay generated.
 */
import { z } from 'zod'
import { amount, externalReference, int32, isoDate, versionTimestamp } from './scalars.ts'

export const ManuelVoucherLineCreateModel = z.strictObject({
  Description: z.string().nullish(),
  AccountNumber: int32.nullish(),
  BalancingAccountNumber: int32.nullish(),
  Amount: amount,
  AccountVatCode: z.string().nullish(),
  BalancingAccountVatCode: z.string().nullish(),
})
export type ManuelVoucherLineCreateModel = z.infer<typeof ManuelVoucherLineCreateModel>

export const ManuelVoucherCreateModel = z.strictObject({
  VoucherDate: isoDate.nullish(),
  Lines: z.array(ManuelVoucherLineCreateModel).nullish(),
  FileGuid: z.string().nullish(),
  ExternalReference: externalReference.nullish(),
})
export type ManuelVoucherCreateModel = z.infer<typeof ManuelVoucherCreateModel>

export const ManuelVoucherUpdateModel = ManuelVoucherCreateModel.extend({ Timestamp: versionTimestamp })
export type ManuelVoucherUpdateModel = z.infer<typeof ManuelVoucherUpdateModel>
