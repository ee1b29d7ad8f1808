import { describe, expect, it } from 'vitest'
import { createMock } from '../../mocks/create-mock.ts'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { ORGANISATION_FILE_QUOTA, UPLOAD_LIMIT_BYTES } from '../../mocks/dinero/files.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { resolveOptions } from '../../mocks/options.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroTarget } from '../support/dinero-session.ts'

/**
 * Regression: uploads were kept without any bound (files cannot be deleted through the API), so
 * a client looping 6 MB uploads grew the mock's memory until a reset. An organisation's files
 * now hold at most a quota (ORGANISATION_FILE_QUOTA, 64 MiB in 1,000 files, unless
 * `dinero.fileQuota` lowers it); the upload past it is 400 code 43 and is not kept. The loops run
 * against a quota of three 6 MB files in 40 files: the same rule, without uploading 64 MiB and
 * 1,000 files through both targets on every test run.
 */
const ORG = PRO_ORGANISATION_ID
const QUOTA = { bytes: 3 * UPLOAD_LIMIT_BYTES + 1024, files: 40 }

describe('the file quota’s default and its option', () => {
  it('by default an organisation’s files hold 64 MiB in 1,000 files', () => {
    expect(resolveOptions({}).dinero.fileQuota).toEqual({ bytes: 64 * 1024 * 1024, files: 1_000 })
    expect(ORGANISATION_FILE_QUOTA).toEqual({ bytes: 64 * 1024 * 1024, files: 1_000 })
  })

  it.each([
    [{ bytes: 0 }],
    [{ bytes: 1.5 }],
    [{ bytes: 2 * 1024 * 1024 * 1024 }],
    [{ files: 0 }],
    [{ files: Number.NaN }],
    [{ files: 1_000_000 }],
  ])('dinero.fileQuota %j is refused with a RangeError naming the field', (fileQuota) => {
    const field = 'bytes' in fileQuota ? 'bytes' : 'files'
    expect(() => createMock({ dinero: { fileQuota } })).toThrow(
      new RegExp(`^dinero\\.fileQuota\\.${field} must be a whole number`),
    )
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

  it(`a file that still fits is taken; then the ${QUOTA.files}-file count holds for 1-byte uploads too`, async () => {
    const room = QUOTA.bytes - storedBytes()
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
