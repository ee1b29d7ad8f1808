import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { documentPdf } from '../../mocks/dinero/pdf.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { startTarget, TARGET_KINDS, type Target } from '../../scripts/targets/targets.ts'
import { tokenFor } from '../support/dinero-session.ts'
import { readPdf } from '../support/pdf-check.ts'

/**
 * dinero-openapi: invoices, trade offers and reminders come "as json or pdf" by the Accept header
 * ('application/json' or 'application/octet-stream'); "PDF's can only be generated from booked
 * invoices". The PDF is a small valid one (ISO 32000-1 §7.5), read back by a strict reader.
 */
const ORG = PRO_ORGANISATION_ID
const BOOKED_INVOICE = seededGuid(`${ORG}:invoice:4`)
const DRAFT_INVOICE = seededGuid(`${ORG}:invoice:1`)
const OFFER = seededGuid(`${ORG}:trade-offer:0`)
const encoder = new TextEncoder()

describe('documentPdf', () => {
  it('writes a one-page PDF whose xref offsets, stream length and trailer a strict reader accepts', () => {
    const pdf = readPdf(documentPdf('Invoice 12', ['Total: 1250.00 DKK']))
    expect(pdf).toMatchObject({ version: '1.7', pageCount: 1, title: 'Invoice 12' })
    expect(pdf.texts).toEqual(['Invoice 12', 'Total: 1250.00 DKK'])
  })

  it('escapes parentheses and backslashes and writes non-ASCII characters as ? (offsets stay byte counts)', () => {
    const pdf = readPdf(documentPdf('Tilbud (udkast)', ['a\\b', 'Børge Lund']))
    expect(pdf.texts).toEqual(['Tilbud (udkast)', 'a\\b', 'B?rge Lund'])
  })

  it('the reader refuses a PDF with a wrong xref offset (the check can fail)', () => {
    const good = Buffer.from(documentPdf('Invoice 1', [])).toString('latin1')
    const broken = good.replace(
      /(\d{10}) 00000 n/,
      (_, n: string) => `${String(Number(n) + 1).padStart(10, '0')} 00000 n`,
    )
    expect(() => readPdf(Buffer.from(broken, 'latin1'))).toThrow(/xref offset/)
  })

  it('the reader refuses a stream whose /Length is off by one', () => {
    const good = Buffer.from(documentPdf('Invoice 1', ['x'])).toString('latin1')
    const broken = good.replace(/\/Length (\d+)/, (_, n: string) => `/Length ${Number(n) + 1}`)
    expect(() => readPdf(encoder.encode(broken))).toThrow()
  })
})

describe.each(TARGET_KINDS)('documents as PDF (%s)', (kind) => {
  let target: Target
  let token: string
  beforeAll(async () => {
    target = await startTarget(kind)
    token = await tokenFor(target)
  })
  afterAll(() => target.close())

  const get = async (path: string, accept: string) => {
    const res = await fetch(`${target.api}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept },
    })
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      bytes: new Uint8Array(await res.arrayBuffer()),
    }
  }

  it('200 application/octet-stream on GET a booked invoice with Accept: application/octet-stream: a valid PDF titled "Faktura 1"', async () => {
    const reply = await get(`/v1/${ORG}/invoices/${BOOKED_INVOICE}`, 'application/octet-stream')
    expect(reply.status).toBe(200)
    expect(reply.type).toBe('application/octet-stream')
    const pdf = readPdf(reply.bytes)
    expect(pdf.pageCount).toBe(1)
    expect(pdf.texts[0]).toBe('Faktura 1')
    const json = await get(`/v1/${ORG}/invoices/${BOOKED_INVOICE}`, 'application/json')
    const total = (JSON.parse(Buffer.from(json.bytes).toString('utf8')) as { TotalInclVat: number })
      .TotalInclVat
    expect(pdf.texts).toContain(`Total: ${total.toFixed(2)} DKK`)
  })

  it('200 application/pdf on GET a booked invoice with Accept: application/pdf', async () => {
    const reply = await get(`/v1/${ORG}/invoices/${BOOKED_INVOICE}`, 'application/pdf')
    expect(reply.status).toBe(200)
    expect(reply.type).toBe('application/pdf')
    expect(readPdf(reply.bytes).title).toBe('Faktura 1')
  })

  it('200 JSON (InvoiceReadModel) on GET the same invoice with Accept: application/json', async () => {
    const reply = await get(`/v1/${ORG}/invoices/${BOOKED_INVOICE}`, 'application/json')
    expect(reply.status).toBe(200)
    expect(reply.type).toMatch(/^application\/json/)
  })

  it('400 code 59 on GET a draft invoice as PDF ("PDF\'s can only be generated from booked invoices")', async () => {
    const reply = await get(`/v1/${ORG}/invoices/${DRAFT_INVOICE}`, 'application/octet-stream')
    expect(reply.status).toBe(400)
    expect(DineroErrorBody.parse(JSON.parse(Buffer.from(reply.bytes).toString('utf8'))).code).toBe(59)
  })

  it('200 on GET a trade offer as PDF: a valid PDF titled "Tilbud 1" with its line', async () => {
    const reply = await get(`/v1/${ORG}/tradeoffers/${OFFER}`, 'application/octet-stream')
    expect(reply.status).toBe(200)
    const pdf = readPdf(reply.bytes)
    expect(pdf.texts[0]).toBe('Tilbud 1')
    expect(pdf.texts.some((t) => t.startsWith('Konsulenttime  4 x 950.00 DKK'))).toBe(true)
  })

  it('200 on an operation the generated layer answers with a PDF (state of account): a valid PDF', async () => {
    const contact = seededGuid(`${ORG}:contact:1`)
    const reply = await get(`/v1/${ORG}/state-of-account/${contact}/pdf`, 'application/pdf')
    expect(reply.status).toBe(200)
    expect(readPdf(reply.bytes).pageCount).toBe(1)
  })
})
