/**
 * Shapes shared across the Dinero API (dinero-openapi, dinero-api-errors): the paged list envelope, the
 * created/updated acknowledgements (`TimeStamp` with a capital S) and the camelCase error body.
 *
 * Response models are loose so live bodies with fields the spec does not list still validate.
 * They describe the full models: list and organization endpoints return only the `fields=`
 * projection, keyed in the casing requested (dinero-openapi), which these schemas do not model.
 */
import { z } from 'zod'
import { guid, int32 } from './scalars.ts'

export const PaginationDetails = z.looseObject({
  MaxPageSizeAllowed: int32,
  PageSize: int32,
  Result: int32,
  ResultWithoutFilter: int32,
  Page: int32,
})

export const Pagination = PaginationDetails

/** The `*DineroCollection` envelope: `Pagination` required, `Collection` optional and nullable per the spec. */
export const collectionOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({
    Collection: z.array(item).nullish(),
    Pagination: PaginationDetails,
  })

export const CreatedResponseModel = z.looseObject({
  Guid: guid,
  TimeStamp: z.string().nullish(),
})

export const UpdatedResponseModel = z.looseObject({
  Guid: guid,
  TimeStamp: z.string().nullish(),
})

/**
 * Not in the spec (it declares no error bodies); shape of Dinero's captured error bodies,
 * camelCase unlike the resource models (apaq-dinero-fixtures).
 */
export const DineroErrorBody = z.looseObject({
  code: z.number().int(),
  message: z.string(),
  validationErrors: z.record(z.string(), z.unknown()).optional(),
  languageSpecificMessages: z.array(z.looseObject({ property: z.string(), message: z.string() })).optional(),
  errorMessageList: z.array(z.looseObject({ Code: z.string(), Message: z.string() })).optional(),
})

/** Error codes from developer.dinero.dk error-and-status (dinero-api-errors). */
export const DINERO_ERROR_CODES = {
  NotFound: 40,
  Unauthorized: 41,
  ValidationError: 42,
  LimitExceeded: 43,
  InvalidFormat: 44,
  InvalidRequest: 45,
  InvalidFilterFormat: 46,
  /** Sent `Timestamp` is not the entity's current version. */
  TimestampOutOfDate: 58,
  VoucherNotBooked: 59,
  /** Newer docs; the older api.dinero.dk/docs say 48 (dinero-api-docs, dinero-api-errors). */
  NoPro: 90,
} as const

export type DineroErrorCode = (typeof DINERO_ERROR_CODES)[keyof typeof DINERO_ERROR_CODES]
