import { describe, expect, it } from 'vitest'
import { ContactReadModel } from '../../mocks/dinero/contract/index.ts'
import { PRO_ORGANISATION_ID, seededContact, seededGuid } from '../../mocks/dinero/seed.ts'
import { startTarget } from '../../scripts/targets/targets.ts'
import { dineroSession } from '../support/dinero-session.ts'

/**
 * The seed is worked out once per process and shared by every mock made after (mocks/dinero/seed.ts:
 * guids and contacts are memoised). What a mock starts from must still be its own: a change made
 * through one mock's API, or to an object the seed handed out, reaches no other mock.
 */
const ORG = PRO_ORGANISATION_ID
const FIRST = seededGuid(`${ORG}:contact:0`)
const SECOND = seededGuid(`${ORG}:contact:1`)

describe('every mock starts from the same seed, and what one changes stays its own', () => {
  it('200 with the seeded contact on a new mock after another mock replaced it (PUT) and deleted a second (DELETE)', async () => {
    const first = await startTarget('in-process')
    try {
      const api = await dineroSession(first)
      const before = ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${FIRST}`)).json())
      expect(before.Name).toBe('Børge Lund')
      const put = await api.put(`/v2/${ORG}/contacts/${FIRST}`, {
        ...seededContact(0),
        Name: 'Omdøbt ApS',
        City: 'Vejle',
      })
      expect(put.status, put.text).toBe(200)
      expect((await api.delete(`/v1/${ORG}/contacts/${SECOND}`)).status).toBe(200)
    } finally {
      await first.close()
    }
    const second = await startTarget('in-process')
    try {
      const api = await dineroSession(second)
      const contact = ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${FIRST}`)).json())
      expect(contact).toMatchObject({ Name: 'Børge Lund', City: seededContact(0).City, DeletedAt: null })
      const other = ContactReadModel.parse((await api.get(`/v1/${ORG}/contacts/${SECOND}`)).json())
      expect(other.DeletedAt).toBeNull()
    } finally {
      await second.close()
    }
  })

  it('seededContact gives a new object each call: changing one leaves the next call as seeded', () => {
    const handed = seededContact(3)
    const name = handed.Name
    handed.Name = 'changed by a caller'
    expect(seededContact(3).Name).toBe(name)
    expect(seededContact(3)).not.toBe(seededContact(3))
    expect(seededGuid(`${ORG}:contact:3`)).toBe(seededGuid(`${ORG}:contact:3`))
    expect(seededGuid(`${ORG}:contact:3`)).not.toBe(seededGuid(`${ORG}:contact:4`))
  })
})
