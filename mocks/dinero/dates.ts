/**
 * Days and instants in request text, read the way Dinero's .NET binding reads them: a day that is
 * not on the calendar (2030-02-31, 2029-02-29, 2031-04-31) is no date, refused with the caller's
 * own 400, just as a malformed one is. The spec's `YYYY-MM-DD` days and date-times (dinero-openapi)
 * are RFC 3339 dates, whose day of the month is bounded by its month and year (RFC 3339 §5.7).
 * V8's Date.parse is kinder: it refuses only a month above 12 or a day above 31 and rolls any other
 * day over into the next month (2030-02-31 → 3 March), so no request date is read with it alone.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/

/**
 * A year-first day at the start of a date-time (`2030-02-31T…`, `2030/2/31 10:00`, `2030.02.31`,
 * `2030 02 31`, ECMAScript's expanded year `+002030-02-31`), the forms a Date.parse reading could
 * roll over; the digits after it (`2030-02-310`) are no day of it.
 */
const LEADING_DAY = /^\s*\+?0{0,2}(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})(?!\d)/

/**
 * Hour 24 right after such a day: Date.parse reads `T24:00` as the next midnight (ECMA-262 allows
 * it); an RFC 3339 time-hour is 00–23 (RFC 3339 §5.6), and .NET refuses 24 as it refuses 31 February.
 */
const HOUR_24 = /^[T ]24:/i

/**
 * `YYYY-MM-DD` as the UTC midnight it names (ms), or undefined unless it is exactly that form and
 * the day exists: the day read back from the parsed instant must be the day written (28 February
 * 2029 and 29 February 2028 are days, 29 February 2029 is not).
 */
export function calendarDay(text: string): number | undefined {
  if (!DAY.test(text)) return undefined
  const ms = Date.parse(`${text}T00:00:00Z`)
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : ms
}

/**
 * The instant Date.parse reads in `text` (ms), or undefined when it reads none or when the text
 * opens with a year-first day that does not exist or an hour 24 on it. Other layouts Date.parse reads (`Feb 28 2030`)
 * keep its reading: they name no ISO day to check.
 */
export function calendarInstant(text: string): number | undefined {
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) return undefined
  const m = LEADING_DAY.exec(text)
  if (m === null) return ms
  if (HOUR_24.test(text.slice(m[0].length))) return undefined
  const day = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
  return calendarDay(day) === undefined ? undefined : ms
}
