import { describe, expect, it } from 'vitest'
import { DineroErrorBody } from '../../mocks/dinero/contract/index.ts'
import { ORGANISATION_FILE_QUOTA, UPLOAD_LIMIT_BYTES } from '../../mocks/dinero/files.ts'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { TARGET_KINDS } from '../../scripts/targets/targets.ts'
import { dineroTarget } from '../support/dinero-session.ts'

/**
 * Regression: uploads were kept without any bound (files cannot be deleted through the API), so
 * a client looping 6 MB uploads grew the mock's memory until a reset. An organisation's files
 * now hold at most ORGANISATION_FILE_QUOTA; the upload past it is 400 code 43 and is not kept.
 */
const ORG = PRO_ORGANISATION_ID

describe.each(TARGET_KINDS)('file storage per organisation (%s)', (kind) => {
  const run = dineroTarget(kind, { dinero: { rateLimitPerMinute: 0 } })

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

  it('6 MB uploads in a bounded loop: 200 until the byte quota, then 400 code 43 and nothing more kept', async () => {
    const fit = Math.floor(ORGANISATION_FILE_QUOTA.bytes / UPLOAD_LIMIT_BYTES)
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
    expect(DineroErrorBody.parse(JSON.parse(refused)).code).toBe(43)
    expect(storedBytes()).toBeLessThanOrEqual(ORGANISATION_FILE_QUOTA.bytes)
  })

  it(`a file that still fits is taken; then the ${ORGANISATION_FILE_QUOTA.files}-file count holds for 1-byte uploads too`, async () => {
    const room = ORGANISATION_FILE_QUOTA.bytes - storedBytes()
    expect((await upload(room)).status).toBe(200)
    expect((await upload(1)).status).toBe(400)
    run.target.mock.control.reset()
    await run.renew()
    const kept = () => run.target.mock.store.dinero.files(ORG).all().length
    let last = 0
    for (let i = kept(); i <= ORGANISATION_FILE_QUOTA.files && last !== 400; i++)
      last = (await upload(1)).status
    expect(last).toBe(400)
    expect(kept()).toBe(ORGANISATION_FILE_QUOTA.files)
  })
})
