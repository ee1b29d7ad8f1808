import { describe, expect, it } from 'vitest'
import { createMock } from '../../mocks/create-mock.ts'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { UPLOAD_LIMIT_BYTES } from '../../mocks/dinero/files.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { DEFAULT_FILE_QUOTA, resolveOptions } from '../../mocks/options.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroTarget } from '../support/dinero-session.ts'

/**
 * Regression: uploads were kept without any bound (files cannot be deleted through the API), so
 * a client looping 6 MB uploads grew the mock's memory until a reset. An organisation's files
 * now hold at most a quota (DEFAULT_FILE_QUOTA, 64 MiB in 1,000 files, unless `dinero.fileQuota`
 * lowers it); the upload past it is 400 code 43 and is not kept. The loops run against a quota of
 * two 6 MB files in 40 files: the same rule, without uploading 64 MiB and 1,000 files through both
 * targets on every test run.
 */
const ORG = PRO_ORGANISATION_ID
const QUOTA = { bytes: 2 * UPLOAD_LIMIT_BYTES + 1024, files: 40 }

describe('the file quota’s default and its option', () => {
  it('by default an organisation’s files hold 64 MiB in 1,000 files', () => {
    expect(resolveOptions({}).dinero.fileQuota).toEqual({ bytes: 64 * 1024 * 1024, files: 1_000 })
    expect(DEFAULT_FILE_QUOTA).toEqual({ bytes: 64 * 1024 * 1024, files: 1_000 })
  })

  it.each([
    ['bytes 0', { bytes: 0 }],
    ['bytes 1.5', { bytes: 1.5 }],
    ['bytes 2 GiB', { bytes: 2 * 1024 * 1024 * 1024 }],
    ['bytes 1 GiB + 1', { bytes: 1024 * 1024 * 1024 + 1 }],
    ['files 0', { files: 0 }],
    ['files NaN', { files: Number.NaN }],
    ['files 100,001', { files: 100_001 }],
  ])('dinero.fileQuota with %s is refused: a RangeError naming the field', (_label, fileQuota) => {
    const field = 'bytes' in fileQuota ? 'bytes' : 'files'
    let thrown: unknown
    try {
      createMock({ dinero: { fileQuota } })
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(RangeError)
    expect((thrown as Error).message).toMatch(
      new RegExp(`^dinero\\.fileQuota\\.${field} must be a whole number`),
    )
  })

  it.each([
    ['the smallest: 1 byte in 1 file', { bytes: 1, files: 1 }, { bytes: 1, files: 1 }],
    [
      'the largest: 1 GiB in 100,000 files',
      { bytes: 1024 * 1024 * 1024, files: 100_000 },
      { bytes: 1024 * 1024 * 1024, files: 100_000 },
    ],
    ['bytes alone: files keeps its default', { bytes: 4096 }, { bytes: 4096, files: 1_000 }],
    ['null, as a JSON caller may send: the default', null, { bytes: 64 * 1024 * 1024, files: 1_000 }],
  ] as const)('dinero.fileQuota with %s is taken', (_label, fileQuota, resolved) => {
    expect(resolveOptions({ dinero: { fileQuota: fileQuota as never } }).dinero.fileQuota).toEqual(resolved)
  })
})

describe.each(TARGET_KINDS)('file storage per organisation (%s)', (kind) => {
  const run = dineroTarget(kind, { dinero: { rateLimitPerMinute: 0, fileQuota: QUOTA } })

  const upload = async (size: number, path = 'files') => {
    const form = new FormData()
    form.append('file', new Blob([new Uint8Array(size).fill(0x89)], { type: 'image/png' }), 'big.png')
    const res = await fetch(`${run.target.api}/v1/${ORG}/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${run.token}` },
      body: form,
    })
    return { status: res.status, text: await res.text() }
  }
  const storedBytes = () =>
    run.target.mock.store.dinero
      .files(ORG)
      .all()
      .reduce((sum, row) => sum + row.data.Bytes.length, 0)

  it('6 MB uploads in a bounded loop: 200 until the byte quota, then 400 code 43 naming the quota, and nothing more kept', async () => {
    const fit = Math.floor(QUOTA.bytes / UPLOAD_LIMIT_BYTES)
    const statuses: number[] = []
    let refused = ''
    for (let i = 0; i < fit + 3; i++) {
      const path = i % 2 === 0 ? 'files' : 'files/attachment'
      const reply = await upload(UPLOAD_LIMIT_BYTES, path)
      statuses.push(reply.status)
      if (reply.status !== 200) refused = reply.text
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(fit)
    expect(statuses.slice(fit)).toEqual([400, 400, 400])
    const error = DineroErrorBody.parse(JSON.parse(refused))
    expect(error.code).toBe(43)
    expect(error.message).toContain(`at most ${QUOTA.bytes} bytes in ${QUOTA.files} files`)
    expect(storedBytes()).toBeLessThanOrEqual(QUOTA.bytes)
  })

  it(`a file that still fits is taken, one byte more is not; then the ${QUOTA.files}-file count holds for 1-byte uploads too`, async () => {
    run.target.mock.control.reset()
    await run.renew()
    for (let i = 0; i < 2; i++) expect((await upload(UPLOAD_LIMIT_BYTES)).status).toBe(200)
    const room = QUOTA.bytes - storedBytes()
    // The seeded files take some of the last 1,024 bytes.
    expect(room).toBeGreaterThan(0)
    expect(room).toBeLessThanOrEqual(1024)
    expect((await upload(room)).status).toBe(200)
    expect((await upload(1)).status).toBe(400)
    run.target.mock.control.reset()
    await run.renew()
    const kept = () => run.target.mock.store.dinero.files(ORG).all().length
    let last = 0
    for (let i = kept(); i <= QUOTA.files && last !== 400; i++) last = (await upload(1)).status
    expect(last).toBe(400)
    expect(kept()).toBe(QUOTA.files)
  })
})
