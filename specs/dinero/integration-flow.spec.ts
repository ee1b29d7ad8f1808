import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import {
  ContactCreatedResult,
  CreatedResponseModel,
  collectionOf,
  InvoiceReadModel,
} from '../../mocks/dinero/contract/index.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { dineroApi, tokenFor } from '../support/dinero-session.ts'

/**
 * dinero-openapi: what an integration does right after the token exchange — list organisations,
 * pick the Pro one, create a contact, invoice it, book the invoice and find it in the list.
 */
describe.each(TARGET_KINDS)('integration flow (%s)', (kind) => {
  let target: Target
  beforeAll(async () => {
    target = await startTarget(kind)
  })
  afterAll(() => target.close())

  it('token → organisations (fields=Name,Id,IsPro) → Pro org → contact → draft invoice → book → listed as booked', async () => {
    const api = dineroApi(target, await tokenFor(target))

    const orgs = z
      .array(z.strictObject({ Name: z.string(), Id: z.number().int(), IsPro: z.boolean() }))
      .parse((await api.get('/v1/organizations?fields=Name,Id,IsPro')).json())
    const org = orgs.find((o) => o.IsPro)
    expect(org?.Name).toBe('Dinero Regnskab ApS')
    const id = org?.Id ?? 0

    const contact = await api.post(`/v1/${id}/contacts`, {
      Name: 'Flow Kunde ApS',
      CountryKey: 'DK',
      IsPerson: false,
      IsMember: false,
      UseCvr: true,
      Email: 'flow@example.dk',
    })
    expect(contact.status).toBe(200)
    const { ContactGuid } = ContactCreatedResult.parse(contact.json())

    const invoice = await api.post(`/v1/${id}/invoices`, {
      ContactGuid,
      Description: 'Flow-faktura',
      ExternalReference: 'flow-1',
      ProductLines: [
        {
          BaseAmountValue: 500,
          Quantity: 3,
          AccountNumber: 1000,
          Discount: 0,
          Description: 'Timer',
          Unit: 'hours',
        },
      ],
    })
    expect(invoice.status).toBe(200)
    const created = CreatedResponseModel.parse(invoice.json())

    const booked = await api.post(`/v1/${id}/invoices/${created.Guid}/book`, { Timestamp: created.TimeStamp })
    expect(booked.status).toBe(200)
    const read = InvoiceReadModel.parse(booked.json())
    expect(read).toMatchObject({ Status: 'Booked', ContactName: 'Flow Kunde ApS', TotalInclVat: 1875 })

    const listed = collectionOf(
      z.strictObject({
        Guid: z.guid(),
        Number: z.number(),
        Status: z.string(),
        ContactName: z.string().nullable(),
      }),
    ).parse(
      (
        await api.get(
          `/v1/${id}/invoices?fields=Guid,Number,Status,ContactName&queryFilter=${encodeURIComponent("ExternalReference eq 'flow-1'")}`,
        )
      ).json(),
    )
    expect(listed.Collection).toEqual([
      { Guid: created.Guid, Number: read.Number, Status: 'Booked', ContactName: 'Flow Kunde ApS' },
    ])
  })
})
