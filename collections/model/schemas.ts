import { z } from 'zod'
import { collectionOf, DineroErrorBody } from '../../mocks/dinero/contract/common.ts'
import type { SchemaRegistry } from '../../scripts/engine/run.ts'

/**
 * Schemas the checks refer to by name. Loose objects throughout: the live API may add fields. The collection
 * builder turns each into draft-07 JSON Schema.
 */
export const checkSchemas = {
  DineroErrorBody,
  // List items under `fields` carry only the requested keys, so the envelope is what is checked.
  DineroListEnvelope: collectionOf(z.looseObject({})),
  // GET /files: a plain array of FilteredFileReadModel (Size and UploadedAt required; FileGuid is
  // 32 letters and digits, not a Guid).
  DineroFileList: z.array(
    z.looseObject({
      FileGuid: z.string().nullable().optional(),
      Name: z.string().nullable().optional(),
      Size: z.number().int(),
      UploadedAt: z.string(),
    }),
  ),
  // Plain arrays (dinero-openapi): AccountingYearReadModel (ex '2022', '2022-01-01'), VatTypeReadModel
  // (VatRate ex 0.25: a fraction) and EntryReadModel (AccountNumber and Amount required).
  AccountingYearList: z
    .array(
      z.looseObject({
        Name: z.string().nullable(),
        FromDate: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}/)
          .nullable(),
        ToDate: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}/)
          .nullable(),
        SalarySumTaxStateEnum: z.enum(['None', 'OnlySalarySum', 'MixedActivities']),
      }),
    )
    .min(1),
  VatTypeList: z.array(
    z.looseObject({
      VatCode: z.string().nullable().optional(),
      Name: z.string().nullable().optional(),
      VatRate: z.number().min(0).max(1),
    }),
  ),
  // GET /v1.1/organizations: OrganizationReadModelV2, the v1.1 model with Subscription (not the v1 fields).
  OrganizationListV2: z
    .array(
      z.looseObject({
        Id: z.number().int(),
        Subscription: z.looseObject({ HasPro: z.boolean() }),
      }),
    )
    .min(1),
  EntryList: z.array(
    z.looseObject({
      AccountNumber: z.number().int(),
      Amount: z.number(),
      Date: z.string().nullable().optional(),
      Type: z.string().nullable().optional(),
    }),
  ),
} satisfies SchemaRegistry
