import { MockHttpError } from '../errors.ts'

/**
 * Dinero error responses (dinero-api-errors): camelCase JSON `{code, message, validationErrors?, …}`
 * (unlike the PascalCase resource models), `application/json; charset=utf-8`, with the numeric
 * codes of developer.dinero.dk error-and-status. Handlers throw; routes.ts renders.
 * The journal records the numeric code as a string (`'58'`).
 */
export const CODES = {
  NotFound: 40,
  Unauthorized: 41,
  ValidationError: 42,
  LimitExceeded: 43,
  InvalidFormat: 44,
  InvalidRequest: 45,
  InvalidFilterFormat: 46,
  NoOrganizationEmail: 53,
  NoReceiverEmail: 55,
  NoEanNumber: 56,
  InvalidEanNumber: 57,
  TimestampOutOfDate: 58,
  VoucherNotBooked: 59,
  /** Captured body of Apaq/dinero-java `error_not_found.json` (apaq-dinero-fixtures). */
  ItemDeleted: 65,
  /** Newer docs; older ones say 48 (dinero-api-docs). */
  NoPro: 90,
} as const

export interface DineroErrorInit {
  validationErrors?: Record<string, string>
  headers?: Record<string, string>
}

export class DineroError extends MockHttpError {
  readonly code: string
  readonly dineroCode: number
  readonly status: number
  readonly validationErrors: Record<string, string> | undefined
  readonly headers: Record<string, string>
  /** Set by the route wrapper under deviation `dinero.errors-pascal-case`. */
  pascalCase = false

  constructor(status: number, dineroCode: number, message: string, init: DineroErrorInit = {}) {
    super(message)
    this.status = status
    this.dineroCode = dineroCode
    this.code = String(dineroCode)
    this.validationErrors = init.validationErrors
    this.headers = init.headers ?? {}
  }

  body(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.dineroCode, message: this.message }
    if (this.validationErrors !== undefined) body.validationErrors = this.validationErrors
    if (!this.pascalCase) return body
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k[0]!.toUpperCase() + k.slice(1), v]))
  }

  toResponse(): Response {
    return new Response(JSON.stringify(this.body()), {
      status: this.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...this.headers },
    })
  }
}

export const notFound = (what: string) => new DineroError(404, CODES.NotFound, `${what} was not found`)

export const invalidRequest = (message: string) => new DineroError(400, CODES.InvalidRequest, message)

/** 400 code 59 "Voucher not booked" (dinero-api-errors): the action needs a booked voucher. */
export const voucherNotBooked = (what: string) =>
  new DineroError(400, CODES.VoucherNotBooked, `Voucher not booked: ${what}`)

export const invalidFormat = (message: string) => new DineroError(400, CODES.InvalidFormat, message)

export const validationError = (errors: Record<string, string>) =>
  new DineroError(400, CODES.ValidationError, 'Validation Error', { validationErrors: errors })

export const timestampOutOfDate = () =>
  new DineroError(400, CODES.TimestampOutOfDate, 'Timestamp out of date', {
    validationErrors: { Timestamp: 'The timestamp is not the latest version of the entity' },
  })

// assumption: open-dinero-unlisted-responses (apaq-dinero-fixtures gives the body of code 65, not its
// status); the client that captured
// it maps 65 to not-found, so it is sent with 404.
export const itemDeleted = (what: string) =>
  new DineroError(404, CODES.ItemDeleted, 'Item is deleted', {
    validationErrors: { message: `Invalid ${what}, the item is deleted.` },
  })
