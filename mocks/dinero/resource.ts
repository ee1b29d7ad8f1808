import type { DineroContext } from './context.ts'
import { invalidRequest, itemDeleted, notFound, timestampOutOfDate } from './errors.ts'
import { nextAfter } from './ledger.ts'
import type { Organisation, Row, Table } from './store.ts'

/**
 * One organisation's table of a versioned Dinero resource (invoices, purchase vouchers), as its
 * handlers reach it (dinero-openapi, dinero-api-errors):
 * - an unknown guid → 404 code 40 "<noun> was not found"; a soft-deleted row where a live one is
 *   needed → 404 code 65;
 * - a write carrying a Timestamp goes through the store's compare-and-set, so the check and the
 *   write are one synchronous step: stale → 400 code 58; no Timestamp, or deviation
 *   dinero.ignore-timestamp → no check;
 * - booking numbers: a requested number already in use → 400 code 45; none → the highest + 1.
 */
export interface Resource<D> {
  table(org: Organisation): Table<D>
  find(org: Organisation, guid: string | undefined): Row<D>
  /** Like `find`, but a deleted row is refused with code 65 naming `guidField`. */
  live(org: Organisation, guid: string | undefined, guidField: string): Row<D>
  modify(
    org: Organisation,
    guid: string,
    timestamp: string | null | undefined,
    change: Parameters<Table<D>['modify']>[2],
  ): Row<D>
  remove(org: Organisation, guid: string, timestamp: string | null | undefined): Row<D>
  /** The number to book under; call inside `modify`'s change so the pick and the write are one step. */
  nextNumber(
    org: Organisation,
    numberOf: (data: D) => number | null,
    requested: number | null | undefined,
    label: string,
  ): number
}

export function resource<D>(
  ctx: DineroContext,
  noun: string,
  tableOf: (organisationId: number) => Table<D>,
): Resource<D> {
  const table = (org: Organisation) => tableOf(org.Id)
  const expected = (sent: string | null | undefined) =>
    ctx.deviations.has('dinero.ignore-timestamp') || sent == null ? undefined : sent
  const written = (result: ReturnType<Table<D>['modify']>) => {
    if (result.ok) return result.row
    if (result.reason === 'stale') throw timestampOutOfDate()
    throw notFound(noun)
  }
  const find = (org: Organisation, guid: string | undefined) => {
    const row = guid === undefined ? undefined : table(org).get(guid)
    if (row === undefined) throw notFound(noun)
    return row
  }
  return {
    table,
    find,
    live(org, guid, guidField) {
      const row = find(org, guid)
      if (row.deletedAt !== null) throw itemDeleted(guidField)
      return row
    },
    modify: (org, guid, timestamp, change) => written(table(org).modify(guid, expected(timestamp), change)),
    remove: (org, guid, timestamp) => written(table(org).remove(guid, expected(timestamp))),
    nextNumber(org, numberOf, requested, label) {
      const used = table(org)
        .all()
        .map((row) => numberOf(row.data))
        .filter((n): n is number => n !== null)
      if (requested != null && used.includes(requested))
        throw invalidRequest(`${label} number ${requested} is already in use`)
      return requested ?? nextAfter(used, `the ${label.toLowerCase()} series`)
    },
  }
}
