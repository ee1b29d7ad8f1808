import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { DineroErrorBody, generated } from '../../mocks/dinero/contract/index.ts'
import { UPLOAD_LIMIT_BYTES } from '../../mocks/dinero/files.ts'
import { PRO_ORGANISATION_ID, seededGuid } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroTarget } from '../support/dinero-session.ts'

/**
 * Files and attachments (dinero-openapi, tags Files and Attachments), in-process and served:
 * uploads keep their bytes, the 6 MB limit holds to the byte, a malformed upload is a Dinero
 * error (never a 5xx), and attachments bind uploaded files to sales documents.
 */
const ORG = PRO_ORGANISATION_ID
const BOOKED_INVOICE = seededGuid(`${ORG}:invoice:4`)
const FILE_GUID = /^[0-9a-z]{32}$/
const errorOf = (text: string) => DineroErrorBody.parse(JSON.parse(text))
interface FileItem {
  FileGuid: string | null
  Name: string | null
  Extension: string | null
  Size: number
  Linked: { VoucherGuid: string; VoucherId: number }[] | null
}
interface AttachmentItem {
  OrganizationId: number
  DocumentId: string
  FileGuid: string | null
  FileName: string | null
}
/** The extraction's models, as the contract-drift spec holds them. */
const FileList = z.array(generated.schema('FilteredFileReadModel')) as unknown as z.ZodType<FileItem[]>
const Attachments = z.array(generated.schema('DocumentAttachmentReadModel')) as unknown as z.ZodType<
  AttachmentItem[]
>

/** Every byte value, so a text decode anywhere on the way would show. */
const allBytes = () => Uint8Array.from({ length: 512 }, (_, i) => i % 256)

interface Sent {
  status: number
  contentType: string | null
  bytes: Uint8Array
  text: string
}

describe.each(TARGET_KINDS)('files and attachments (%s)', (kind) => {
  const run = dineroTarget(kind, { dinero: { rateLimitPerMinute: 0 } })

  /** A request with a body of bytes (multipart or not); global fetch reaches both kinds of target. */
  async function send(method: string, path: string, body?: BodyInit, type?: string): Promise<Sent> {
    const res = await fetch(`${run.target.api}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${run.token}`,
        ...(type === undefined ? {} : { 'content-type': type }),
      },
      ...(body === undefined ? {} : { body }),
    })
    const bytes = new Uint8Array(await res.arrayBuffer())
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      bytes,
      text: Buffer.from(bytes).toString('utf8'),
    }
  }
  const form = (bytes: Uint8Array, name: string, type: string, part = 'file') => {
    const f = new FormData()
    f.append(part, new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), name)
    return f
  }
  const upload = (bytes: Uint8Array, name = 'kvittering.png', type = 'image/png', path = 'files') =>
    send('POST', `/v1/${ORG}/${path}`, form(bytes, name, type))
  const uploaded = async (bytes: Uint8Array, name?: string, type?: string, path?: string) => {
    const reply = await upload(bytes, name, type, path)
    expect(reply.status, reply.text).toBe(200)
    const { FileGuid } = JSON.parse(reply.text) as { FileGuid: string }
    expect(FileGuid).toMatch(FILE_GUID)
    return FileGuid
  }
  const listFiles = async (query = '') => {
    const reply = await run.api.get(`/v1/${ORG}/files${query}`)
    expect(reply.status, reply.text).toBe(200)
    return FileList.parse(reply.json())
  }

  describe('upload and download', () => {
    it('200 on POST /v1/:org/files: FileSavedReadModel {FileGuid} of 32 lower-case letters and digits', async () => {
      const reply = await upload(allBytes())
      expect(reply.status).toBe(200)
      expect(reply.contentType).toMatch(/^application\/json/)
      expect(Object.keys(JSON.parse(reply.text))).toEqual(['FileGuid'])
    })

    it('200 on GET /v1/:org/files/:fileGuid: the same bytes, with the upload’s content type', async () => {
      const bytes = allBytes()
      const guid = await uploaded(bytes, 'bilag.png', 'image/png')
      const download = await send('GET', `/v1/${ORG}/files/${guid}`)
      expect(download.status).toBe(200)
      expect(download.contentType).toBe('image/png')
      expect(Buffer.from(download.bytes).equals(Buffer.from(bytes))).toBe(true)
    })

    it('a PDF sent as application/octet-stream is kept as application/pdf (by its extension)', async () => {
      const bytes = new TextEncoder().encode('%PDF-1.4\n1 0 obj<</Type /Page>>endobj\n%%EOF\n')
      const guid = await uploaded(bytes, 'faktura.pdf', 'application/octet-stream')
      const download = await send('GET', `/v1/${ORG}/files/${guid}`)
      expect(download.contentType).toBe('application/pdf')
      expect(Buffer.from(download.bytes).equals(Buffer.from(bytes))).toBe(true)
    })

    it('404 code 40 on GET /v1/:org/files/:fileGuid for an unknown or malformed FileGuid', async () => {
      for (const guid of ['0'.repeat(32), 'not-a-file-guid']) {
        const reply = await send('GET', `/v1/${ORG}/files/${guid}`)
        expect(reply.status).toBe(404)
        expect(errorOf(reply.text).code).toBe(40)
      }
    })
  })

  describe('the 6 MB limit ("If the file size is above 6 MB, then a status code 400 will be returned")', () => {
    it(`200 for a file of exactly 6 MB (${UPLOAD_LIMIT_BYTES} bytes), downloaded byte for byte`, async () => {
      const bytes = new Uint8Array(UPLOAD_LIMIT_BYTES).fill(0xab)
      bytes[0] = 0x89
      bytes[bytes.length - 1] = 0x01
      const guid = await uploaded(bytes, 'stor.png')
      const download = await send('GET', `/v1/${ORG}/files/${guid}`)
      expect(download.bytes.length).toBe(UPLOAD_LIMIT_BYTES)
      expect(Buffer.from(download.bytes).equals(Buffer.from(bytes))).toBe(true)
    })

    // Pins dinero.file-over-6mb.
    it('400 code 45 for a file one byte over 6 MB, and nothing is stored', async () => {
      const before = (await listFiles()).length
      const reply = await upload(new Uint8Array(UPLOAD_LIMIT_BYTES + 1))
      expect(reply.status).toBe(400)
      expect(errorOf(reply.text)).toMatchObject({ code: 45 })
      expect(errorOf(reply.text).message).toContain('6 MB')
      expect((await listFiles()).length).toBe(before)
    })

    it('400 code 45 on POST /files/attachment one byte over 6 MB as well', async () => {
      const reply = await upload(
        new Uint8Array(UPLOAD_LIMIT_BYTES + 1),
        'a.png',
        'image/png',
        'files/attachment',
      )
      expect(reply.status).toBe(400)
      expect(errorOf(reply.text).code).toBe(45)
    })
  })

  describe('malformed uploads are Dinero errors, never a 5xx', () => {
    it('400 code 42 {file} when the multipart body has no part named file', async () => {
      const reply = await send('POST', `/v1/${ORG}/files`, form(allBytes(), 'a.png', 'image/png', 'document'))
      expect(reply.status).toBe(400)
      expect(errorOf(reply.text)).toMatchObject({
        code: 42,
        validationErrors: { file: 'The file field is required.' },
      })
    })

    it('400 code 42 {file} when the part named file is a plain field, not a file', async () => {
      const f = new FormData()
      f.append('file', 'just text')
      const reply = await send('POST', `/v1/${ORG}/files`, f)
      expect(reply.status).toBe(400)
      expect(errorOf(reply.text).code).toBe(42)
    })

    it('400 code 44 when the body is JSON, text or form-encoded instead of multipart/form-data', async () => {
      for (const [body, type] of [
        ['{"file":"x"}', 'application/json'],
        ['file=x', 'application/x-www-form-urlencoded'],
        ['x', 'text/plain'],
      ] as const) {
        const reply = await send('POST', `/v1/${ORG}/files`, body, type)
        expect(reply.status, type).toBe(400)
        expect(errorOf(reply.text).code, type).toBe(44)
      }
    })

    it('400 code 44 for a multipart body that cannot be read (no boundary, broken framing)', async () => {
      for (const type of ['multipart/form-data', 'multipart/form-data; boundary=abc']) {
        const reply = await send('POST', `/v1/${ORG}/files`, 'this is not multipart', type)
        expect(reply.status, type).toBe(400)
        expect(errorOf(reply.text).code, type).toBe(44)
      }
    })

    it('400 code 45 for an empty file, and for a file that is neither an image nor a PDF', async () => {
      const empty = await upload(new Uint8Array(0))
      expect(empty.status).toBe(400)
      expect(errorOf(empty.text).code).toBe(45)
      const text = await upload(new TextEncoder().encode('a,b\n1,2\n'), 'data.csv', 'text/csv')
      expect(text.status).toBe(400)
      expect(errorOf(text.text).code).toBe(45)
    })

    it('random multipart framing (truncated, mismatched boundaries, odd part headers) → 4xx in Dinero format, never 5xx', async () => {
      const part = fc.record({
        name: fc.constantFrom('file', 'File', 'x', ''),
        filename: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 }), fc.constant('fïl"e\\.pdf')),
        type: fc.constantFrom('image/png', 'application/pdf', 'text/plain', '', 'image/'),
        content: fc.uint8Array({ maxLength: 64 }),
        close: fc.boolean(),
      })
      await fc.assert(
        fc.asyncProperty(part, fc.constantFrom('b', 'other'), async (p, boundary) => {
          const head = `--b\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\n${p.type === '' ? '' : `Content-Type: ${p.type}\r\n`}\r\n`
          const body = Buffer.concat([
            Buffer.from(head, 'latin1'),
            Buffer.from(p.content),
            Buffer.from(p.close ? '\r\n--b--\r\n' : ''),
          ])
          const reply = await send(
            'POST',
            `/v1/${ORG}/files`,
            body,
            `multipart/form-data; boundary=${boundary}`,
          )
          expect(reply.status).toBeLessThan(500)
          if (reply.status !== 200) expect([42, 44, 45]).toContain(errorOf(reply.text).code)
        }),
        { numRuns: 40 },
      )
    })

    it('401 code 41 for an upload without a token, before the body is judged', async () => {
      const res = await fetch(`${run.target.api}/v1/${ORG}/files`, {
        method: 'POST',
        body: form(allBytes(), 'a.png', 'image/png'),
      })
      expect(res.status).toBe(401)
      expect(DineroErrorBody.parse(await res.json()).code).toBe(41)
    })
  })

  describe('GET /v1/:org/files (plain array of FilteredFileReadModel)', () => {
    it('lists the seeded and uploaded archive files with name, extension, size and uploader', async () => {
      const guid = await uploaded(allBytes(), 'liste.png')
      const files = await listFiles()
      expect(files.length).toBeGreaterThanOrEqual(3)
      expect(files.find((f) => f.FileGuid === guid)).toMatchObject({
        Name: 'liste.png',
        Extension: 'png',
        Size: 512,
        NumberOfPages: 1,
        UploadedBy: 'Conformance User',
        Linked: [],
      })
    })

    it('files uploaded through /files/attachment are not in the archive: not listed, not downloadable', async () => {
      const guid = await uploaded(allBytes(), 'bilag.png', 'image/png', 'files/attachment')
      expect((await listFiles()).some((f) => f.FileGuid === guid)).toBe(false)
      const download = await send('GET', `/v1/${ORG}/files/${guid}`)
      expect(download.status).toBe(404)
    })

    it('extensions filters by extension (comma list, any case); page and pageSize page the array', async () => {
      const pdfs = await listFiles('?extensions=PDF,.jpg')
      expect(pdfs.length).toBeGreaterThan(0)
      expect(pdfs.every((f) => f.Extension === 'pdf')).toBe(true)
      const all = await listFiles()
      const second = await listFiles('?page=1&pageSize=1')
      expect(second).toEqual([all[1]])
    })

    it('uploadedBefore/uploadedAfter (yyyy/MM/dd) bound the upload day; a malformed day → 400 code 44', async () => {
      const seeded = await listFiles('?uploadedBefore=2024/02/02')
      expect(seeded.map((f) => f.Name)).toEqual(['kvittering-kontorartikler.png', 'handelsbetingelser.pdf'])
      const later = await listFiles('?uploadedAfter=2024/02/02')
      expect(later.some((f) => f.Name === 'handelsbetingelser.pdf')).toBe(false)
      const bad = await run.api.get(`/v1/${ORG}/files?uploadedBefore=2024/02/31`)
      expect(bad.status).toBe(400)
      expect(errorOf(bad.text).code).toBe(44)
    })

    it('fileStatus=Used lists files a purchase voucher names, in Linked; Unused the rest; an unknown status → 400 code 44', async () => {
      const guid = await uploaded(allBytes(), 'kobsbilag.png')
      const voucher = await run.api.post(`/v1.2/${ORG}/vouchers/purchase`, {
        PurchaseType: 'cash',
        FileGuid: guid,
        Lines: [{ AccountNumber: 3600, Amount: 125, Description: 'Papir' }],
      })
      expect(voucher.status, voucher.text).toBe(200)
      const voucherGuid = voucher.json<{ Guid: string }>().Guid
      const used = await listFiles('?fileStatus=used')
      expect(used.find((f) => f.FileGuid === guid)?.Linked).toEqual([
        expect.objectContaining({ VoucherGuid: voucherGuid, VoucherId: 0 }),
      ])
      expect((await listFiles('?fileStatus=Unused')).some((f) => f.FileGuid === guid)).toBe(false)
      const bad = await run.api.get(`/v1/${ORG}/files?fileStatus=Sometimes`)
      expect(bad.status).toBe(400)
      expect(errorOf(bad.text).code).toBe(44)
    })

    it('GET /v1/:org/vouchers/purchase/fileguid/:fileGuid → the Guids of the drafts made from the file; [] for none', async () => {
      const guid = await uploaded(allBytes(), 'kladde.png')
      const voucher = await run.api.post(`/v1.2/${ORG}/vouchers/purchase`, {
        PurchaseType: 'cash',
        FileGuid: guid,
        Lines: [{ AccountNumber: 3600, Amount: 80, Description: 'Toner' }],
      })
      const drafts = await run.api.get(`/v1/${ORG}/vouchers/purchase/fileguid/${guid}`)
      expect(drafts.status).toBe(200)
      expect(drafts.json()).toEqual([voucher.json<{ Guid: string }>().Guid])
      const none = await run.api.get(`/v1/${ORG}/vouchers/purchase/fileguid/${'0'.repeat(32)}`)
      expect(none.json()).toEqual([])
    })
  })

  describe('attachments', () => {
    const attachmentsOf = async (doc: string) => {
      const reply = await run.api.get(`/v1/${ORG}/attachments/${doc}`)
      expect(reply.status, reply.text).toBe(200)
      return Attachments.parse(reply.json())
    }
    const newInvoice = async () => {
      const reply = await run.api.post(`/v1/${ORG}/invoices`, {
        ContactGuid: seededGuid(`${ORG}:contact:1`),
        ProductLines: [
          { BaseAmountValue: 100, Quantity: 1, AccountNumber: 1000, Discount: 0, Description: 'X' },
        ],
      })
      return reply.json<{ Guid: string }>().Guid
    }

    it('200 on GET /v1/:org/attachments/:documentGuid: the seeded invoice’s two files as DocumentAttachmentReadModel', async () => {
      const list = await attachmentsOf(BOOKED_INVOICE)
      expect(list.map((a) => a.FileName)).toEqual(['kvittering-kontorartikler.png', 'handelsbetingelser.pdf'])
      expect(list[0]).toMatchObject({ OrganizationId: ORG, DocumentId: BOOKED_INVOICE })
    })

    it('binding an uploaded attachment-only file lists it; binding again renames it; DELETE removes it', async () => {
      const doc = await newInvoice()
      const file = await uploaded(allBytes(), 'bilag.png', 'image/png', 'files/attachment')
      expect((await run.api.post(`/v1/${ORG}/attachments/${doc}/${file}/Bilag%201.png`)).status).toBe(200)
      expect(await attachmentsOf(doc)).toEqual([
        { OrganizationId: ORG, DocumentId: doc, FileGuid: file, FileName: 'Bilag 1.png' },
      ])
      await run.api.post(`/v1/${ORG}/attachments/${doc}/${file}/kvittering.png`)
      expect((await attachmentsOf(doc)).map((a) => a.FileName)).toEqual(['kvittering.png'])
      expect((await run.api.delete(`/v1/${ORG}/attachments/${doc}/${file}`)).status).toBe(200)
      expect(await attachmentsOf(doc)).toEqual([])
      const again = await run.api.delete(`/v1/${ORG}/attachments/${doc}/${file}`)
      expect(again.status).toBe(404)
      expect(errorOf(again.text).code).toBe(40)
    })

    it('bind/default/:documentGuid/Invoice binds the organisation’s default attachments (the terms PDF)', async () => {
      const doc = await newInvoice()
      expect((await run.api.post(`/v1/${ORG}/attachments/bind/default/${doc}/Invoice`)).status).toBe(200)
      expect((await attachmentsOf(doc)).map((a) => a.FileName)).toEqual(['handelsbetingelser.pdf'])
    })

    it('404 code 40 for an unknown document or file; 400 code 45 for an unknown documentType', async () => {
      const doc = await newInvoice()
      const file = await uploaded(allBytes())
      const refusals = [
        await run.api.get(`/v1/${ORG}/attachments/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`),
        await run.api.get(`/v1/${ORG}/attachments/not-a-guid`),
        await run.api.post(`/v1/${ORG}/attachments/${seededGuid('nothing')}/${file}/a.png`),
        await run.api.post(`/v1/${ORG}/attachments/${doc}/${'0'.repeat(32)}/a.png`),
        await run.api.post(`/v1/${ORG}/attachments/bind/default/${doc}/TradeOffer`),
      ]
      for (const reply of refusals) {
        expect(reply.status, reply.text).toBe(404)
        expect(errorOf(reply.text).code).toBe(40)
      }
      const badType = await run.api.post(`/v1/${ORG}/attachments/bind/default/${doc}/Receipt`)
      expect(badType.status).toBe(400)
      expect(errorOf(badType.text).code).toBe(45)
    })
  })
})

describe('the served adapter lets an upload through, and no more', () => {
  const run = dineroTarget('served', { dinero: { rateLimitPerMinute: 0 } })

  it('413 code 45 for an upload body far past 6 MB (the adapter refuses it before the route reads it)', async () => {
    const res = await fetch(`${run.target.api}/v1/${ORG}/files`, {
      method: 'POST',
      headers: { authorization: `Bearer ${run.token}`, 'content-type': 'multipart/form-data; boundary=b' },
      body: new Uint8Array(UPLOAD_LIMIT_BYTES + 128 * 1024),
    })
    expect(res.status).toBe(413)
    expect(DineroErrorBody.parse(await res.json()).code).toBe(45)
  })

  it('a JSON body over 1 MiB to another Dinero path is still refused with 413', async () => {
    const res = await fetch(`${run.target.api}/v1/${ORG}/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${run.token}`, 'content-type': 'application/json' },
      body: `"${'x'.repeat(1024 * 1024)}"`,
    })
    expect(res.status).toBe(413)
  })
})
