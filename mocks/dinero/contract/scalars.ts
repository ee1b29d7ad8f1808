/**
 * Wire scalars and documented value lists of the Dinero API (dinero-openapi). Not OpenAPI
 * components themselves: they say how the spec's formats (uuid, int32, int64, double, date-time,
 * `YYYY-MM-DD`, version timestamps) and the closed lists it gives only in descriptions are checked.
 */
import { z } from 'zod'

/** Dinero ids are .NET Guids: any 8-4-4-4-12 hex string; z.uuid() would also demand RFC 9562 version bits. */
/** A Guid, read in the lower case .NET writes one in, whatever case the client sent. */
export const guid = z.guid().overwrite((s) => s.toLowerCase())

export const int32 = z.int32()

/**
 * Drafts carry `Number` = long.MaxValue (apaq-dinero-fixtures), which JSON.parse rounds to 2^63;
 * z.int() stops at 2^53, so int64 only asks for a whole number.
 */
export const int64 = z.number().multipleOf(1).meta({ type: 'integer', format: 'int64' })

export const double = z.number()

/**
 * The largest amount or quantity the mock accepts, either sign.
 * assumption: open-dinero-amount-bounds — the spec types money and quantities as `double`, but
 * Dinero books them as .NET `decimal` (at most ±79,228,162,514,264,337,593,543,950,335) and
 * publishes no bound. 10^12 keeps amount × quantity (≤ 10^24) and every total inside that range,
 * far above any real voucher; beyond it (1e308 included) the request is refused rather than
 * stored with totals no read model can carry.
 */
export const MAX_AMOUNT = 1e12

/**
 * Days of a payment condition. assumption: open-dinero-amount-bounds — no bound is published; the
 * due date is the voucher date plus these days, so 0–10,000 (over 27 years) keeps it a real date.
 */
export const MAX_PAYMENT_DAYS = 10_000

export const paymentDays = int32.refine(
  (n) => n >= 0 && n <= MAX_PAYMENT_DAYS,
  `must be between 0 and ${MAX_PAYMENT_DAYS}`,
)

/** A money amount or a quantity: a double within ±MAX_AMOUNT, else 400 code 42 naming the field. */
export const amount = double.refine(
  (n) => Math.abs(n) <= MAX_AMOUNT,
  `must be between -${MAX_AMOUNT} and ${MAX_AMOUNT}`,
)

/** Live bodies carry datetimes without offset, e.g. `2017-05-19T14:20:47.407` (apaq-dinero-fixtures). */
export const dateTime = z.iso.datetime({ local: true, offset: true })

/** Request dates the spec documents as `YYYY-MM-DD`. */
export const isoDate = z.iso.date()

/**
 * Optimistic-concurrency version sent back as `Timestamp`; the spec only asks for minLength 1.
 * An outdated one is answered with error code 58 (dinero-api-errors), not a validation error.
 */
export const versionTimestamp = z.string().min(1)

export const externalReference = z.string().max(128)

export const Unit = z.enum([
  'hours',
  'parts',
  'km',
  'day',
  'week',
  'month',
  'kilogram',
  'cubicMetre',
  'set',
  'litre',
  'box',
  'case',
  'carton',
  'metre',
  'package',
  'shipment',
  'squareMetre',
  'session',
  'tonne',
])

export const ContactPaymentConditionType = z.enum(['Netto', 'NettoCash', 'CurrentMonthOut'])

/** Invoices add `Paid` to the contact's list. */
export const InvoicePaymentConditionType = z.enum(['Netto', 'NettoCash', 'CurrentMonthOut', 'Paid'])

export const CompanyTypeKey = z.enum([
  'EmptyCompanyType',
  'SoleProprietorship',
  'PrivateLimitedCompany',
  'PublicLimitedCompany',
  'GeneralPartnership',
  'LimitedPartnership',
  'LimitedLiabilityCooperative',
  'LimitedLiabilityVoluntaryAssociation',
  'LimitedLiabilityCompany',
  'EntreprenurLimitedCompany',
  'Union',
  'VoluntaryUnion',
  'SmallPersonallyOwnedCompany',
  'TrustFund',
  'Others',
])

export const InvoiceMailOutOptionKey = z.enum(['VAT', 'GLN', 'SE', 'P'])

export const InvoiceLanguage = z.enum(['da-DK', 'en-GB'])

export const LineType = z.enum(['Product', 'Text'])

export const PurchaseType = z.enum(['cash', 'credit'])

export const RegionKey = z.enum(['EU', 'DK', 'World'])
