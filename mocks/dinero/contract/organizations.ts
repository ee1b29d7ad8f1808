/**
 * Organizations (dinero-api-docs, dinero-openapi): GET /v1/organizations items and GET /v1.1/organizations
 * items with their subscription flags. Both are plain arrays, no collection envelope.
 */
import { z } from 'zod'
import { int32 } from './scalars.ts'

/**
 * The full `fields=` projection. Without `fields` the live API returns only `id`, `name`,
 * `isPro` in lower camel case (dinero-openapi), which this schema does not accept.
 */
export const OrganizationReadModel = z.looseObject({
  Name: z.string().nullish(),
  Id: int32.nullish(),
  Type: z.string().nullish(),
  IsPro: z.boolean().nullish(),
  IsPayingPro: z.boolean().nullish(),
  IsVatFree: z.boolean(),
  Email: z.string().nullish(),
  Phone: z.string().nullish(),
  Street: z.string().nullish(),
  City: z.string().nullish(),
  ZipCode: z.string().nullish(),
  AttPerson: z.string().nullish(),
  IsTaxFreeUnion: z.boolean(),
  VatNumber: z.string().nullish(),
  CountryKey: z.string().nullish(),
  Website: z.string().nullish(),
})
export type OrganizationReadModel = z.infer<typeof OrganizationReadModel>

export const SubscriptionReadModel = z.looseObject({
  HasPro: z.boolean(),
  HasPayingPro: z.boolean(),
  HasStarterPlus: z.boolean(),
  HasTotal: z.boolean(),
  HasYfs: z.boolean(),
})
export type SubscriptionReadModel = z.infer<typeof SubscriptionReadModel>

export const OrganizationReadModelV2 = z.looseObject({
  Name: z.string().nullish(),
  Id: int32,
  CompanyTypeKey: z.string().nullish(),
  IsVatFree: z.boolean(),
  Email: z.string().nullish(),
  Phone: z.string().nullish(),
  Street: z.string().nullish(),
  City: z.string().nullish(),
  ZipCode: z.string().nullish(),
  AttPerson: z.string().nullish(),
  IsTaxFreeUnion: z.boolean(),
  VatNumber: z.string().nullish(),
  CountryKey: z.string().nullish(),
  Website: z.string().nullish(),
  RoleKey: z.string().nullish(),
  Subscription: SubscriptionReadModel,
})
export type OrganizationReadModelV2 = z.infer<typeof OrganizationReadModelV2>
