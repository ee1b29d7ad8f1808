/**
 * Products (dinero-openapi): create/update bodies (strict), the read model, the
 * `{ProductGuid}` create result and the paged list envelope.
 */
import { z } from 'zod'
import { collectionOf } from './common.ts'
import { amount, dateTime, double, externalReference, guid, int32, Unit } from './scalars.ts'

export const ProductCreateModel = z.strictObject({
  ProductNumber: z.string().nullish(),
  Name: z.string().nullish(),
  BaseAmountValue: amount,
  Quantity: amount,
  AccountNumber: int32,
  Unit,
  ExternalReference: externalReference.nullish(),
  Comment: z.string().max(128).nullish(),
})
export type ProductCreateModel = z.infer<typeof ProductCreateModel>

export const ProductUpdateModel = ProductCreateModel
export type ProductUpdateModel = z.infer<typeof ProductUpdateModel>

export const ProductReadModel = z.looseObject({
  CreatedAt: dateTime,
  UpdatedAt: dateTime,
  DeletedAt: dateTime.nullish(),
  ProductGuid: guid,
  BaseAmountValueInclVat: double,
  TotalAmount: double,
  TotalAmountInclVat: double,
  ProductNumber: z.string().nullish(),
  Name: z.string().nullish(),
  BaseAmountValue: double,
  Quantity: double,
  AccountNumber: int32,
  Unit: z.string(),
  ExternalReference: z.string().nullish(),
  Comment: z.string().nullish(),
})
export type ProductReadModel = z.infer<typeof ProductReadModel>

export const ProductCreatedResult = z.looseObject({ ProductGuid: guid })
export type ProductCreatedResult = z.infer<typeof ProductCreatedResult>

export const ProductReadModelDineroCollection = collectionOf(ProductReadModel)
export type ProductReadModelDineroCollection = z.infer<typeof ProductReadModelDineroCollection>
