import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Route } from '../routes.ts'
import { dineroJson, emptyOk, errorMap, readJson, validate } from './body.ts'
import type { DineroContext } from './context.ts'
import { LedgerItemModel, LedgerItemModelV2, LedgerItemStatusModel } from './contract/index.ts'
import { calendarDay } from './dates.ts'
import { orgRoute } from './endpoint.ts'
import { invalidRequest, notFound, timestampOutOfDate, validationError } from './errors.ts'
import { imbalance, planBookingNumbers } from './ledger.ts'
import { isoDay } from './query.ts'
import type { LedgerItemData, Organisation, Row, Table } from './store.ts'

/**
 * Ledger items ("kassekladde", dinero-openapi), all six operations of the tag, hand-written; every
 * body is a list, and a list is checked whole before anything is written:
 * - POST /v1.2/:org/ledgeritems `LedgerItemModelV2[]` → drafts, answered with the first one's
 *   `LedgerItemReadModel` {Id, Version} (the spec declares one model for the list); no items →
 *   400 code 45;
 * - PUT /v1/:org/ledgeritems `LedgerItemModelV2[]` (Id required) → the drafts replaced,
 *   `LedgerItemReadModel[]`; a booked one → 400 code 45;
 * - POST …/ledgeritems/book `LedgerItemModel[]` → booked, numbered in the ledger's series for the
 *   voucher date's accounting year (a draft's own VoucherNumber when free, ledger.ts); an item
 *   without lines, or whose lines do not balance (ledger.ts), → 400 code 45; its lines post entries;
 * - POST …/ledgeritems/status `LedgerItemStatusModel[]` → `LedgerItemStatusReadModel[]`
 *   (Draft or Booked; PendingBooking never, as booking here is immediate);
 * - DELETE …/ledgeritems/delete `LedgerItemModel[]` → drafts removed; a booked one → 400 code 45;
 * - POST …/ledgeritems/ledgers `LedgerItemModel[]` → the items as `LedgerItemModelV2[]`.
 * An unknown Id → 404 code 40; a sent Version that is not the item's → 400 code 58. Accounts
 * named in lines must exist and a line paying a voucher (`IsPaymentForVoucherId`) names no
 * AccountNumber (LedgerItemLineModelV2) → 400 code 42 naming `[i].Lines[j].<field>`.
 */

export function ledgerItemRoutes(ctx: DineroContext): Route[] {
  const table = (org: Organisation): Table<LedgerItemData> => ctx.store.ledgerItems(org.Id)
  const find = (org: Organisation, id: string): Row<LedgerItemData> => {
    const row = table(org).get(id)
    if (row === undefined || row.deletedAt !== null) throw notFound('Ledger item')
    return row
  }
  const checkVersion = (row: Row<LedgerItemData>, version: string | null | undefined) => {
    if (version != null && version !== row.version && !ctx.deviations.has('dinero.ignore-timestamp'))
      throw timestampOutOfDate()
  }
  const readModel = (row: Row<LedgerItemData>) => ({ Id: row.guid, Version: row.version })
  const modelV2 = (row: Row<LedgerItemData>): LedgerItemModelV2 => ({
    Id: row.guid,
    Version: row.version,
    VoucherNumber: row.data.VoucherNumber,
    VoucherDate: row.data.VoucherDate,
    FileGuid: row.data.FileGuid,
    Lines: row.data.Lines,
  })

  /** The stored draft for each item, or 400 code 42 naming every bad line. */
  const drafts = (org: Organisation, items: readonly LedgerItemModelV2[]): LedgerItemData[] => {
    const accounts = new Set(ctx.store.entryAccounts(org.Id).map((a) => a.AccountNumber))
    const errors = errorMap()
    const out = items.map((item, i): LedgerItemData => {
      if (item.VoucherDate != null && calendarDay(item.VoucherDate) === undefined)
        errors[`[${i}].VoucherDate`] = 'VoucherDate must be yyyy-mm-dd'
      const lines = (item.Lines ?? []).map((l, j) => {
        for (const field of ['AccountNumber', 'BalancingAccountNumber'] as const) {
          const n = l[field]
          if (n != null && !accounts.has(n))
            errors[`[${i}].Lines[${j}].${field}`] = `Account ${n} does not exist`
        }
        if (l.IsPaymentForVoucherId != null && l.AccountNumber != null)
          errors[`[${i}].Lines[${j}].AccountNumber`] =
            'AccountNumber cannot have a value when IsPaymentForVoucherId is set'
        return {
          Id: l.Id ?? randomUUID(),
          Description: l.Description ?? null,
          Amount: l.Amount ?? null,
          AccountNumber: l.AccountNumber ?? null,
          AccountVatCode: l.AccountVatCode ?? null,
          BalancingAccountNumber: l.BalancingAccountNumber ?? null,
          BalancingAccountVatCode: l.BalancingAccountVatCode ?? null,
          IsPaymentForVoucherId: l.IsPaymentForVoucherId ?? null,
        }
      })
      return {
        Status: 'Draft',
        VoucherNumber: item.VoucherNumber ?? null,
        VoucherDate: item.VoucherDate ?? isoDay(ctx.clock.now()),
        FileGuid: item.FileGuid ?? null,
        Lines: lines,
        BookedAt: null,
      }
    })
    if (Object.keys(errors).length > 0) throw validationError(errors)
    return out
  }

  const list = async <S extends z.ZodType>(request: Request, item: S, name: string) => {
    const items = validate(z.array(item), await readJson(request), `List\`1[${name}]`) as z.output<S>[]
    if (items.length === 0) throw invalidRequest('At least one ledger item is required')
    return items
  }

  return [
    orgRoute(ctx, 'POST', '/v1.2/:organizationId/ledgeritems', async ({ req, org }) => {
      const items = await list(req.request, LedgerItemModelV2, 'LedgerItemModelV2')
      const data = drafts(org, items)
      const taken = items.map((item) => item.Id).filter((id): id is string => id != null)
      // The list is checked whole before anything is written: an Id already stored, or one given
      // to two items of the list (the second was silently dropped while the note said both).
      if (taken.some((id, i) => table(org).get(id) !== undefined || taken.indexOf(id) !== i))
        throw validationError({ Id: 'A ledger item with this Id already exists' })
      const rows = data.map((d, i) => table(org).insert(items[i]?.Id ?? randomUUID(), d)!)
      req.note({ ledgerItems: rows.length })
      return dineroJson(readModel(rows[0]!))
    }),
    orgRoute(ctx, 'PUT', '/v1/:organizationId/ledgeritems', async ({ req, org }) => {
      const items = await list(req.request, LedgerItemModelV2, 'LedgerItemModelV2')
      const rows = items.map((item, i) => {
        if (item.Id == null)
          throw validationError({ [`[${i}].Id`]: 'The Id field is required when updating.' })
        const row = find(org, item.Id)
        checkVersion(row, item.Version)
        if (row.data.Status === 'Booked') throw invalidRequest('A booked ledger item cannot be updated')
        return row
      })
      const data = drafts(org, items)
      const updated = rows.map((row, i) => {
        const result = table(org).modify(row.guid, undefined, () => ({ data: data[i]! }))
        if (!result.ok) throw notFound('Ledger item')
        return readModel(result.row)
      })
      return dineroJson(updated)
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/ledgeritems/book', async ({ req, org }) => {
      const items = await list(req.request, LedgerItemModel, 'LedgerItemModel')
      // The whole list is checked before anything is written, numbers included: checked one item
      // at a time inside the write loop, a clash (two drafts asking for one number, a draft asking
      // for the number an earlier one was given, or one draft listed twice) was found after the
      // first item was booked and its entries posted, under a 400.
      const listed = new Set<string>()
      const rows = items.map((item) => {
        const row = find(org, item.Id)
        if (listed.has(row.guid)) throw invalidRequest(`The ledger item ${row.guid} is listed twice`)
        listed.add(row.guid)
        checkVersion(row, item.Version)
        if (row.data.Status === 'Booked') throw invalidRequest('The ledger item is already booked')
        if (row.data.Lines.length === 0)
          throw invalidRequest('A ledger item must have at least one line to be booked')
        // Double entry (ledger.ts): lines without a balancing account must net to zero.
        const off = imbalance(row.data.Lines.map((l) => ({ ...l, Amount: l.Amount ?? 0 })))
        if (off !== 0) throw invalidRequest(`The ledger item does not balance: its lines are off by ${off}`)
        return row
      })
      const numbers = planBookingNumbers(
        ctx,
        org,
        rows.map((r) => ({ voucherDate: r.data.VoucherDate, requested: r.data.VoucherNumber })),
      )
      for (const [i, row] of rows.entries())
        table(org).modify(row.guid, undefined, (r) => ({
          data: { ...r.data, Status: 'Booked', VoucherNumber: numbers[i]!, BookedAt: ctx.clock.now() },
        }))
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/ledgeritems/status', async ({ req, org }) => {
      const items = await list(req.request, LedgerItemStatusModel, 'LedgerItemStatusModel')
      return dineroJson(
        items.map((item) => {
          const row = find(org, item.Id)
          return {
            Status: row.data.Status,
            VoucherNumber: row.data.Status === 'Booked' ? row.data.VoucherNumber : null,
            Id: row.guid,
            Version: row.version,
          }
        }),
      )
    }),
    orgRoute(ctx, 'DELETE', '/v1/:organizationId/ledgeritems/delete', async ({ req, org }) => {
      const items = await list(req.request, LedgerItemModel, 'LedgerItemModel')
      const rows = items.map((item) => {
        const row = find(org, item.Id)
        checkVersion(row, item.Version)
        if (row.data.Status === 'Booked') throw invalidRequest('A booked ledger item cannot be deleted')
        return row
      })
      for (const row of rows) table(org).remove(row.guid, undefined)
      return emptyOk()
    }),
    orgRoute(ctx, 'POST', '/v1/:organizationId/ledgeritems/ledgers', async ({ req, org }) => {
      const items = await list(req.request, LedgerItemModel, 'LedgerItemModel')
      return dineroJson(items.map((item) => modelV2(find(org, item.Id))))
    }),
  ]
}
