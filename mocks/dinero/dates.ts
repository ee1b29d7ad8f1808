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

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']

/**
 * The day a layout that is not year-first writes, as `YYYY-MM-DD`, when the text names one: a
 * month by name with a day and a four-digit year (`Feb 31 2030`, `Mon, 31 Feb 2030 10:00 GMT`),
 * or month/day/year digits (`2/31/2030`, V8's order). Times (`10:00:00`, `+02:00`) and signed
 * offsets (`GMT+0200`) are no day. Undefined when the text names no such day.
 */
function writtenDay(text: string): string | undefined {
  const t = text.toLowerCase().replace(/\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?/g, ' ')
  const pad = (n: string) => n.padStart(2, '0')
  const digits = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)/.exec(t)
  if (digits !== null) return `${digits[3]}-${pad(digits[1]!)}-${pad(digits[2]!)}`
  const name = /(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*/.exec(t)
  const year = /(?<![\d+-])(\d{4})(?!\d)/.exec(t)
  if (name === null || year === null) return undefined
  const rest = t.slice(0, year.index) + ' '.repeat(4) + t.slice(year.index + 4)
  const day = /(?<![\d+-])(\d{1,2})(?!\d)/.exec(rest)
  if (day === null) return undefined
  return `${year[1]}-${pad(String(MONTH_NAMES.indexOf(name[1]!) + 1))}-${pad(day[1]!)}`
}

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
 * opens with a year-first day that does not exist or an hour 24 on it, or names in another layout a
 * day that does not exist (`Feb 31 2030`, `2/31/2030`, which Date.parse rolls into March).
 */
export function calendarInstant(text: string): number | undefined {
  const ms = Date.parse(text)
  if (Number.isNaN(ms)) return undefined
  const m = LEADING_DAY.exec(text)
  if (m === null) {
    // Other layouts V8 reads (`Feb 31 2030`, `31 Feb 2030`, `2/31/2030`) roll over as well.
    const written = writtenDay(text)
    return written === undefined || calendarDay(written) !== undefined ? ms : undefined
  }
  if (HOUR_24.test(text.slice(m[0].length))) return undefined
  const day = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`
  return calendarDay(day) === undefined ? undefined : ms
}
