import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import type { Reply } from '../../scripts/targets/targets.ts'
import {
  dineroError,
  dineroTarget,
  type LedgerItem as Item,
  type LedgerItemStatus as Status,
} from '../support/dinero-session.ts'

/**
 * The ledger-item edges the mutation run found unpinned (docs/MUTATION.md), each request made in
 * the test that asserts on it: the read models each operation answers, every field of a draft kept
 * as sent (LedgerItemModelV2, LedgerItemLineModelV2), the list checked whole before anything is
 * written (a taken Id, a bad VoucherDate, an unknown account, a line paying a voucher that names
 * an AccountNumber), the Version check and its deviation, the status of a draft sent with a number,
 * and the messages and model names of the 400s (dinero-openapi, dinero-api-errors). The main
 * paths are in ledger-items.spec.ts.
 */
const ORG = PRO_ORGANISATION_ID
const CREATE = `/v1.2/${ORG}/ledgeritems`
const UPDATE = `/v1/${ORG}/ledgeritems`
const BOOK = `/v1/${ORG}/ledgeritems/book`
const STATUS = `/v1/${ORG}/ledgeritems/status`
const DELETE = `/v1/${ORG}/ledgeritems/delete`
const LEDGERS = `/v1/${ORG}/ledgeritems/ledgers`
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000'
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const line = { AccountNumber: 2000, BalancingAccountNumber: 55000, Amount: 250, Description: 'Varekøb' }

describe('Dinero ledger items, edges (in-process)', () => {
  const run = dineroTarget('in-process')
  const create = async (items: unknown[]) => {
    const reply = await run.api.post(CREATE, items)
    expect(reply.status).toBe(200)
    return reply.json<Item>()
  }
  const status = async (item: Pick<Item, 'Id'>) => {
    const reply = await run.api.post(STATUS, [{ Id: item.Id }])
    expect(reply.status).toBe(200)
    return reply.json<Status[]>()[0]!
  }

  it('create answers the first item as LedgerItemReadModel {Id, Version} and notes how many it created (200)', async () => {
    const first = randomUUID()
    const reply = await run.api.post(CREATE, [
      { Id: first, VoucherDate: '2051-01-01', Lines: [line] },
      { VoucherDate: '2051-01-02', Lines: [line] },
    ])
    expect(reply.status).toBe(200)
    expect(reply.json()).toEqual({ Id: first, Version: expect.any(String) })
    const details = run.target.mock.journal.entries({ path: CREATE }).at(-1)?.details
    expect(details).toMatchObject({ ledgerItems: 2 })
    expect(await status({ Id: first })).toMatchObject({ Id: first, Status: 'Draft' })
  })

  it('an empty list → 400 code 45 "At least one ledger item is required"', async () => {
    const reply = await run.api.post(CREATE, [])
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({ code: 45, message: 'At least one ledger item is required' })
  })

  it('ledgers answers each item as LedgerItemModelV2 with every field and line field kept as sent (200)', async () => {
    const lineId = randomUUID()
    const fileGuid = randomUUID()
    const item = await create([
      {
        VoucherNumber: 17,
        VoucherDate: '2052-03-04',
        FileGuid: fileGuid,
        Lines: [
          {
            ...line,
            Id: lineId,
            AccountVatCode: 'I25',
            BalancingAccountVatCode: 'U25',
          },
        ],
      },
    ])
    const reply = await run.api.post(LEDGERS, [{ Id: item.Id }])
    expect(reply.status).toBe(200)
    expect(reply.json()).toEqual([
      {
        Id: item.Id,
        Version: item.Version,
        VoucherNumber: 17,
        VoucherDate: '2052-03-04',
        FileGuid: fileGuid,
        Lines: [
          {
            Id: lineId,
            Description: 'Varekøb',
            Amount: 250,
            AccountNumber: 2000,
            AccountVatCode: 'I25',
            BalancingAccountNumber: 55000,
            BalancingAccountVatCode: 'U25',
            IsPaymentForVoucherId: null,
          },
        ],
      },
    ])
  })

  it('a line sent without Id gets a new Guid and null for every field not sent; an item without Lines has none (200)', async () => {
    const item = await create([{ VoucherDate: '2052-05-01', Lines: [{ Amount: 10 }] }])
    const bare = await create([{ VoucherDate: '2052-05-02' }])
    const [withLine, withoutLines] = (await run.api.post(LEDGERS, [{ Id: item.Id }, { Id: bare.Id }])).json<
      { Lines: Record<string, unknown>[]; VoucherNumber: unknown; FileGuid: unknown }[]
    >()
    expect(withLine!.Lines).toEqual([
      {
        Id: expect.stringMatching(UUID),
        Description: null,
        Amount: 10,
        AccountNumber: null,
        AccountVatCode: null,
        BalancingAccountNumber: null,
        BalancingAccountVatCode: null,
        IsPaymentForVoucherId: null,
      },
    ])
    expect(withoutLines).toMatchObject({ Lines: [], VoucherNumber: null, FileGuid: null })
  })

  it('an item without lines cannot be booked → 400 code 45 "A ledger item must have at least one line to be booked"', async () => {
    const item = await create([{ VoucherDate: '2052-06-01' }])
    const reply = await run.api.post(BOOK, [item])
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 45,
      message: 'A ledger item must have at least one line to be booked',
    })
    expect((await status(item)).Status).toBe('Draft')
  })

  it('a line paying a voucher (IsPaymentForVoucherId) against a BalancingAccountNumber alone is kept (200)', async () => {
    const paid = randomUUID()
    const item = await create([
      {
        VoucherDate: '2053-01-01',
        Lines: [{ IsPaymentForVoucherId: paid, BalancingAccountNumber: 55000, Amount: 5 }],
      },
    ])
    const [model] = (await run.api.post(LEDGERS, [{ Id: item.Id }])).json<
      { Lines: Record<string, unknown>[] }[]
    >()
    expect(model!.Lines[0]).toMatchObject({ IsPaymentForVoucherId: paid, AccountNumber: null })
  })

  it('a line paying a voucher that also names an AccountNumber → 400 code 42 naming [i].Lines[j].AccountNumber', async () => {
    const reply = await run.api.post(CREATE, [
      { Lines: [line] },
      { Lines: [line, { IsPaymentForVoucherId: randomUUID(), AccountNumber: 2000, Amount: 5 }] },
    ])
    expect(reply.status).toBe(400)
    const body = dineroError(reply)
    expect(body.code).toBe(42)
    expect(body.validationErrors).toEqual({
      '[1].Lines[1].AccountNumber': 'AccountNumber cannot have a value when IsPaymentForVoucherId is set',
    })
  })

  it('an unknown account → 400 code 42 "Account <n> does not exist" under [i].Lines[j].<field>', async () => {
    const reply = await run.api.post(CREATE, [{ Lines: [{ ...line, BalancingAccountNumber: 99999 }] }])
    expect(reply.status).toBe(400)
    expect(dineroError(reply).validationErrors).toEqual({
      '[0].Lines[0].BalancingAccountNumber': 'Account 99999 does not exist',
    })
  })

  it('a VoucherDate that is not a yyyy-mm-dd day (no such month, or another layout) → 400 code 42 "VoucherDate must be yyyy-mm-dd"', async () => {
    const reply = await run.api.post(CREATE, [
      { VoucherDate: '2054-02-03', Lines: [line] },
      { VoucherDate: '2054-13-01', Lines: [line] },
      { VoucherDate: '2054/02/03', Lines: [line] },
    ])
    expect(reply.status).toBe(400)
    const body = dineroError(reply)
    expect(body.code).toBe(42)
    expect(body.validationErrors).toEqual({
      '[1].VoucherDate': 'VoucherDate must be yyyy-mm-dd',
      '[2].VoucherDate': 'VoucherDate must be yyyy-mm-dd',
    })
  })

  it('an Id chosen by the client is kept; one already taken → 400 code 42 {Id: "A ledger item with this Id already exists"} and nothing of the list is written', async () => {
    const taken = randomUUID()
    expect((await create([{ Id: taken, Lines: [line] }])).Id).toBe(taken)
    const fresh = randomUUID()
    const reply = await run.api.post(CREATE, [
      { Id: fresh, Lines: [line] },
      { Lines: [line] },
      { Id: taken, Lines: [line] },
    ])
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 42,
      validationErrors: { Id: 'A ledger item with this Id already exists' },
    })
    expect((await run.api.post(STATUS, [{ Id: fresh }])).status).toBe(404)
  })

  it('one new Id given to two items of the list → 400 code 42 {Id: "A ledger item with this Id already exists"} and nothing of the list is written', async () => {
    const twice = randomUUID()
    const reply = await run.api.post(CREATE, [
      { Id: twice, Lines: [line] },
      { Id: twice, Lines: [line] },
    ])
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 42,
      validationErrors: { Id: 'A ledger item with this Id already exists' },
    })
    expect((await run.api.post(STATUS, [{ Id: twice }])).status).toBe(404)
  })

  it('an unknown Id → 404 code 40 "Ledger item was not found" on status, ledgers, book, update and delete', async () => {
    for (const reply of [
      await run.api.post(STATUS, [{ Id: UNKNOWN_ID }]),
      await run.api.post(LEDGERS, [{ Id: UNKNOWN_ID }]),
      await run.api.post(BOOK, [{ Id: UNKNOWN_ID }]),
      await run.api.put(UPDATE, [{ Id: UNKNOWN_ID, Lines: [line] }]),
      await run.api.delete(DELETE, [{ Id: UNKNOWN_ID }]),
    ]) {
      expect(reply.status).toBe(404)
      expect(dineroError(reply)).toMatchObject({ code: 40, message: 'Ledger item was not found' })
    }
  })

  it('booking without a Version, or with the current one, → 200; with a stale one → 400 code 58', async () => {
    const unversioned = await create([{ VoucherDate: '2055-01-01', Lines: [line] }])
    expect((await run.api.post(BOOK, [{ Id: unversioned.Id, Version: null }])).status).toBe(200)
    expect((await run.api.post(BOOK, [{ Id: (await create([{ Lines: [line] }])).Id }])).status).toBe(200)
    const current = await create([{ VoucherDate: '2055-01-02', Lines: [line] }])
    expect((await run.api.post(BOOK, [current])).status).toBe(200)
    const stale = await create([{ VoucherDate: '2055-01-03', Lines: [line] }])
    expect((await run.api.put(UPDATE, [{ ...stale, Lines: [line, line] }])).status).toBe(200)
    const refused = await run.api.post(BOOK, [stale])
    expect(refused.status).toBe(400)
    expect(dineroError(refused).code).toBe(58)
  })

  it('a draft sent with a VoucherNumber has status VoucherNumber null until booked, then that number (200)', async () => {
    const item = await create([{ VoucherNumber: 41, VoucherDate: '2056-01-01', Lines: [line] }])
    expect(await status(item)).toEqual({
      Status: 'Draft',
      VoucherNumber: null,
      Id: item.Id,
      Version: item.Version,
    })
    expect((await run.api.post(BOOK, [item])).status).toBe(200)
    expect(await status(item)).toMatchObject({ Status: 'Booked', VoucherNumber: 41 })
  })

  it('PUT replaces a draft whole and answers LedgerItemReadModel[] with the new Version (200)', async () => {
    const item = await create([{ VoucherDate: '2057-01-01', Lines: [line] }])
    const reply = await run.api.put(UPDATE, [
      { Id: item.Id, VoucherDate: '2057-02-02', Lines: [{ ...line, Amount: 99, Description: 'Fragt' }] },
    ])
    expect(reply.status).toBe(200)
    const [updated] = reply.json<Item[]>()
    expect(updated).toEqual({ Id: item.Id, Version: expect.any(String) })
    expect(updated!.Version).not.toBe(item.Version)
    const [model] = (await run.api.post(LEDGERS, [{ Id: item.Id }])).json<
      { VoucherDate: string; Version: string; Lines: Record<string, unknown>[] }[]
    >()
    expect(model).toMatchObject({ VoucherDate: '2057-02-02', Version: updated!.Version })
    expect(model!.Lines).toEqual([expect.objectContaining({ Amount: 99, Description: 'Fragt' })])
  })

  it('PUT of an item without Id → 400 code 42 {"[i].Id": "The Id field is required when updating."}', async () => {
    const item = await create([{ Lines: [line] }])
    const reply = await run.api.put(UPDATE, [{ Id: item.Id, Lines: [line] }, { Lines: [line] }])
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 42,
      validationErrors: { '[1].Id': 'The Id field is required when updating.' },
    })
  })

  it('a booked item → 400 code 45 on update ("A booked ledger item cannot be updated"), delete ("… cannot be deleted") and book ("The ledger item is already booked")', async () => {
    const item = await create([{ VoucherDate: '2058-01-01', Lines: [line] }])
    expect((await run.api.post(BOOK, [item])).status).toBe(200)
    const update = await run.api.put(UPDATE, [{ Id: item.Id, Lines: [line] }])
    expect(dineroError(update)).toMatchObject({ code: 45, message: 'A booked ledger item cannot be updated' })
    const remove = await run.api.delete(DELETE, [{ Id: item.Id }])
    expect(dineroError(remove)).toMatchObject({ code: 45, message: 'A booked ledger item cannot be deleted' })
    const again = await run.api.post(BOOK, [{ Id: item.Id }])
    expect(again.status).toBe(400)
    expect(dineroError(again)).toMatchObject({ code: 45, message: 'The ledger item is already booked' })
  })

  it('lines that do not balance → 400 code 45 "The ledger item does not balance: its lines are off by <amount>"', async () => {
    const item = await create([
      {
        VoucherDate: '2059-01-01',
        Lines: [
          { AccountNumber: 2000, Amount: 100 },
          { BalancingAccountNumber: 55000, Amount: 60 },
        ],
      },
    ])
    const reply = await run.api.post(BOOK, [item])
    expect(reply.status).toBe(400)
    expect(dineroError(reply)).toMatchObject({
      code: 45,
      message: 'The ledger item does not balance: its lines are off by 40',
    })
  })

  it('deleting a draft → 200, and it is gone (404 code 40)', async () => {
    const item = await create([{ Lines: [line] }])
    expect((await run.api.delete(DELETE, [item])).status).toBe(200)
    expect((await run.api.post(STATUS, [{ Id: item.Id }])).status).toBe(404)
  })

  it('an unknown property → 400 code 42 naming the list model of each operation (List`1[LedgerItemModelV2], …)', async () => {
    const body = [{ Id: UNKNOWN_ID, Extra: 1 }]
    const cases: [Reply, string][] = [
      [await run.api.post(CREATE, body), 'LedgerItemModelV2'],
      [await run.api.put(UPDATE, body), 'LedgerItemModelV2'],
      [await run.api.post(BOOK, body), 'LedgerItemModel'],
      [await run.api.post(STATUS, body), 'LedgerItemStatusModel'],
      [await run.api.delete(DELETE, body), 'LedgerItemModel'],
      [await run.api.post(LEDGERS, body), 'LedgerItemModel'],
    ]
    for (const [reply, model] of cases) {
      expect(reply.status).toBe(400)
      expect(dineroError(reply)).toMatchObject({
        code: 42,
        validationErrors: {
          '[0].Extra': `Could not find member 'Extra' on object of type 'List\`1[${model}]'.`,
        },
      })
    }
  })
})

describe('Dinero ledger items under dinero.ignore-timestamp (in-process)', () => {
  const run = dineroTarget('in-process', { deviations: ['dinero.ignore-timestamp'] })

  it('a stale Version is not checked: booking → 200', async () => {
    const item = (await run.api.post(CREATE, [{ VoucherDate: '2060-01-01', Lines: [line] }])).json<Item>()
    expect((await run.api.put(UPDATE, [{ ...item, Lines: [line, line] }])).status).toBe(200)
    expect((await run.api.post(BOOK, [item])).status).toBe(200)
  })
})
