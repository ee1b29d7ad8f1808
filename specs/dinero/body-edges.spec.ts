import { describe, expect, it } from 'vitest'
import { PRO_ORGANISATION_ID } from '../../mocks/dinero/seed.ts'
import { dineroPerTest } from '../support/dinero-session.ts'

/**
 * Request bodies of the Dinero API (dinero-openapi request models, dinero-api-errors codes 42 and 44)
 * at the edges the body.ts mutation run left (issue #16): an empty or blank body, a body that is
 * not JSON, and the `validationErrors` message for each kind of JSON value sent in the wrong place.
 */
const ORG = PRO_ORGANISATION_ID
const contact = { Name: 'Strict Kunde', CountryKey: 'DK', IsPerson: false, IsMember: false, UseCvr: false }

const withApi = dineroPerTest('in-process')

const validation = (errors: Record<string, string>) => ({
  code: 42,
  message: 'Validation Error',
  validationErrors: errors,
})

describe('Dinero request bodies: none, blank and not JSON', () => {
  it('400 code 42 "Validation Error" with validationErrors.model "A non-empty request body is required." for a POST without a body, nothing stored', async () => {
    await withApi(async (api, target) => {
      const before = target.mock.store.dinero.contacts(ORG).all().length
      const reply = await api.raw('POST', `/v1/${ORG}/contacts`, '')
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual(validation({ model: 'A non-empty request body is required.' }))
      expect(target.mock.store.dinero.contacts(ORG).all().length).toBe(before)
    })
  })

  it('a body of only whitespace counts as no body: 400 code 42 "A non-empty request body is required.", not code 44', async () => {
    await withApi(async (api) => {
      const reply = await api.raw('POST', `/v1/${ORG}/contacts`, '  \n\t ')
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual(validation({ model: 'A non-empty request body is required.' }))
    })
  })

  it('400 code 44 "The request body is not valid JSON" for a body cut off mid-string', async () => {
    await withApi(async (api) => {
      const reply = await api.raw('POST', `/v1/${ORG}/contacts`, '{"Name": "half')
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual({ code: 44, message: 'The request body is not valid JSON' })
    })
  })
})

describe('Dinero request bodies: validationErrors per JSON type (ASP.NET model binding wording)', () => {
  it('a whole body that is an array, a number or null is 400 code 42 under the key "model": "The value for model must be of type object, not array|number|null."', async () => {
    await withApi(async (api) => {
      const cases: [unknown, string][] = [
        [[], 'array'],
        [5, 'number'],
        [null, 'null'],
        ['text', 'string'],
      ]
      for (const [body, type] of cases) {
        const reply = await api.post(`/v1/${ORG}/contacts`, body)
        expect(reply.status, type).toBe(400)
        expect(reply.json(), type).toEqual(
          validation({ model: `The value for model must be of type object, not ${type}.` }),
        )
      }
    })
  })

  it('a property of the wrong type names the expected type and the sent one: null, array, object, number, string, boolean', async () => {
    await withApi(async (api) => {
      const first = await api.post(`/v1/${ORG}/contacts`, {
        ...contact,
        Name: 7,
        IsPerson: null,
        IsMember: [],
        UseCvr: {},
      })
      expect(first.status).toBe(400)
      expect(first.json()).toEqual(
        validation({
          Name: 'The value for Name must be of type string, not number.',
          IsPerson: 'The value for IsPerson must be of type boolean, not null.',
          IsMember: 'The value for IsMember must be of type boolean, not array.',
          UseCvr: 'The value for UseCvr must be of type boolean, not object.',
        }),
      )
      const second = await api.post(`/v1/${ORG}/contacts`, { ...contact, Name: true, IsPerson: 'yes' })
      expect(second.json()).toEqual(
        validation({
          Name: 'The value for Name must be of type string, not boolean.',
          IsPerson: 'The value for IsPerson must be of type boolean, not string.',
        }),
      )
    })
  })

  it('a missing required property is "The <name> field is required." and a wrong type inside a line is keyed by its path (ProductLines[0].BaseAmountValue)', async () => {
    await withApi(async (api) => {
      const reply = await api.post(`/v1/${ORG}/invoices`, {
        ProductLines: [{ BaseAmountValue: 'x', Quantity: 1 }],
      })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual(
        validation({
          'ProductLines[0].BaseAmountValue':
            'The value for BaseAmountValue must be of type number, not string.',
          'ProductLines[0].AccountNumber': 'The AccountNumber field is required.',
          'ProductLines[0].Discount': 'The Discount field is required.',
        }),
      )
    })
  })

  it('a rule message that begins "must " is prefixed with the property name and ends with a full stop; any other rule message is passed on as it is', async () => {
    await withApi(async (api) => {
      const reply = await api.post(`/v1/${ORG}/contacts`, {
        ...contact,
        Name: '',
        PaymentConditionType: 'Bogus',
        PaymentConditionNumberOfDays: -1,
      })
      expect(reply.status).toBe(400)
      expect(reply.json()).toEqual(
        validation({
          Name: 'Too small: expected string to have >=1 characters',
          PaymentConditionType: 'Invalid option: expected one of "Netto"|"NettoCash"|"CurrentMonthOut"',
          PaymentConditionNumberOfDays: 'PaymentConditionNumberOfDays must be between 0 and 10000.',
        }),
      )
    })
  })
})
