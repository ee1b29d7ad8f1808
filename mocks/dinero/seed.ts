import { createHash } from 'node:crypto'
import { DEFAULT_USER } from '../options.ts'
import { bookingNumber, POSTING_ACCOUNTS } from './ledger.ts'
import { documentPdf } from './pdf.ts'
import { invoiceTotals } from './pricing.ts'
import type {
  ContactData,
  DepositAccount,
  DineroStore,
  EntryAccount,
  InvoiceData,
  InvoiceLine,
  Organisation,
  ProductData,
} from './store.ts'

/**
 * The deterministic starting data of every mock (same guids, numbers and versions each time):
 * - for each seeded user (by default DEFAULT_USER): two Pro organisations, "Dinero Regnskab ApS"
 *   (118244) and "RN Consulting ApS" (148383), and one without Pro, "Ikke Pro ApS" (42) — ids
 *   as in dinero-openapi's example (42) and integrations' ones;
 * - one more organisation (500001) that belongs to another user, for the no-access checks;
 * - 118244: 263 live contacts (more than two pages of 100) plus 2 deleted, 12 products,
 *   10 invoices (drafts, booked with numbers 1–3, paid 4–6), a purchase voucher draft, two
 *   files (a PNG and a PDF) attached to invoice 1 and a webhook subscription that points nowhere;
 *   148383: a few of each; every organisation: entry and deposit accounts;
 * - 118244's ledger: manual vouchers booked in 2024 and 2025 and a ledger item booked in 2025,
 *   numbered by the ledger's own booking rule (ledger.ts) as the API books them, so the entries,
 *   the reports and the 2025 primo have something to show;
 * - 118244's sales credit notes: one booked against booked invoice 1, one draft against invoice 2.
 * Guids are uuid-shaped hex of sha256(`${org}:${kind}:${i}`), never random.
 */
export const PRO_ORGANISATION_ID = 118244
export const SECOND_PRO_ORGANISATION_ID = 148383
export const NON_PRO_ORGANISATION_ID = 42
export const FOREIGN_ORGANISATION_ID = 500001
/** The user who owns the foreign organisation; no seeded client logs in as them. */
export const FOREIGN_SUBJECT = '6b0c3e52-4d1a-4c55-9a0e-1d2f3a4b5c6d'
export const SEEDED_LIVE_CONTACTS = 263
export const SEEDED_DELETED_CONTACTS = 2

/**
 * Every mock seeds the same ~300 guids and contacts: worked out once per process, they took half
 * of `createMock()` (3.9 ms; ~1,000 mocks in `npm test`). Bounded, though the keys are the seed's own.
 */
const SEED_MEMO_MAX = 4_096
const guidMemo = new Map<string, string>()
const contactMemo: Readonly<ContactData>[] = []

export function seededGuid(key: string): string {
  let guid = guidMemo.get(key)
  if (guid !== undefined) return guid
  const h = createHash('sha256').update(key).digest('hex')
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
  guid = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
  if (guidMemo.size < SEED_MEMO_MAX) guidMemo.set(key, guid)
  return guid
}

const SEED_EPOCH = Date.UTC(2024, 0, 2, 8, 0, 0)
const HOUR = 3_600_000

function organisation(partial: Partial<Organisation> & Pick<Organisation, 'Id' | 'Name'>): Organisation {
  const pro = partial.IsPro ?? true
  return {
    Type: 'Default',
    IsPro: pro,
    IsPayingPro: pro,
    IsVatFree: false,
    IsTaxFreeUnion: false,
    Email: null,
    Phone: null,
    Street: null,
    City: null,
    ZipCode: null,
    AttPerson: null,
    VatNumber: null,
    CountryKey: 'DK',
    Website: null,
    CompanyTypeKey: 'PrivateLimitedCompany',
    RoleKey: 'Owner',
    ...partial,
    Subscription: {
      HasPro: pro,
      HasPayingPro: partial.IsPayingPro ?? pro,
      HasStarterPlus: false,
      HasTotal: false,
      HasYfs: false,
      ...partial.Subscription,
    },
  }
}

const ORGANISATIONS: Organisation[] = [
  organisation({
    Id: PRO_ORGANISATION_ID,
    Name: 'Dinero Regnskab ApS',
    Email: 'regnskab@example.dk',
    Phone: '+45 70 20 30 40',
    Street: 'Vesterbrogade 1',
    City: 'København V',
    ZipCode: '1620',
    AttPerson: 'Conformance User',
    VatNumber: 'DK12345678',
    Website: 'https://example.dk',
  }),
  organisation({
    Id: SECOND_PRO_ORGANISATION_ID,
    Name: 'RN Consulting ApS',
    IsPayingPro: false,
    Email: 'rn@example.dk',
    Street: 'Åboulevarden 22',
    City: 'Aarhus C',
    ZipCode: '8000',
    VatNumber: 'DK87654321',
  }),
  organisation({
    Id: NON_PRO_ORGANISATION_ID,
    Name: 'Ikke Pro ApS',
    IsPro: false,
    CompanyTypeKey: 'SoleProprietorship',
    Email: 'ikkepro@example.dk',
  }),
]

const FOREIGN_ORGANISATION = organisation({ Id: FOREIGN_ORGANISATION_ID, Name: 'Anden Bruger ApS' })

const ENTRY_ACCOUNTS: EntryAccount[] = [
  ['1000', 'Salg af varer/ydelser m/moms', 'U25', 'Turnover', 'Omsætning', false, true],
  ['1100', 'Salg af varer/ydelser u/moms', null, 'Turnover', 'Omsætning', false, false],
  ['2000', 'Vareforbrug', 'I25', 'Variable Expenses', 'Variable omkostninger', false, false],
  ['2750', 'Fragt', 'I25', 'Variable Expenses', 'Variable omkostninger', false, false],
  ['3600', 'Kontorartikler', 'I25', 'Administration Expenses', 'Administrationsomkostninger', false, false],
  ['4000', 'Husleje', null, 'Property Expenses', 'Lokaleomkostninger', false, false],
  ['4100', 'Rejseudgifter', 'I25', 'Travel Expenses', 'Rejseomkostninger', true, false],
  ['55000', 'Bank', null, 'Liquid Assets', 'Likvide beholdninger', false, false],
  ['55010', 'Kasse', null, 'Liquid Assets', 'Likvide beholdninger', false, false],
  // assumption: open-dinero-unlisted-responses — Dinero's own numbers for these are not published;
  // the documents post to them (ledger.ts POSTING_ACCOUNTS).
  [String(POSTING_ACCOUNTS.debtors), 'Debitorer', null, 'Receivables', 'Tilgodehavender', false, false],
  ['61000', 'Overført resultat', null, 'Equity', 'Egenkapital', false, false],
  [
    String(POSTING_ACCOUNTS.creditors),
    'Kreditorer',
    null,
    'Short Term Debt',
    'Kortfristet gæld',
    false,
    false,
  ],
  [String(POSTING_ACCOUNTS.outputVat), 'Salgsmoms', null, 'Vat Due', 'Moms', false, false],
  [String(POSTING_ACCOUNTS.inputVat), 'Købsmoms', null, 'Vat Due', 'Moms', false, false],
].map(([n, Name, VatCode, Category, CategoryName, IsHidden, IsDefaultSalesAccount]) => ({
  AccountNumber: Number(n),
  PublicStandardNumber: null,
  Name: Name as string,
  VatCode: VatCode as string | null,
  Category: Category as string,
  CategoryName: CategoryName as string,
  IsHidden: IsHidden as boolean,
  IsDefaultSalesAccount: IsDefaultSalesAccount as boolean,
}))

const DEPOSIT_ACCOUNTS: DepositAccount[] = [
  {
    AccountNumber: 55000,
    PublicStandardNumber: null,
    Name: 'Bank',
    IsDefault: true,
    IsHidden: false,
    BankRegistrationNumber: '1234',
    BankAccountNumber: '0001234567',
    BankSwiftNumber: 'DABADKKK',
    BankIbanNumber: 'DK5012340001234567',
  },
  {
    AccountNumber: 55010,
    PublicStandardNumber: null,
    Name: 'Kasse',
    IsDefault: false,
    IsHidden: false,
    BankRegistrationNumber: null,
    BankAccountNumber: null,
    BankSwiftNumber: null,
    BankIbanNumber: null,
  },
  {
    AccountNumber: 55020,
    PublicStandardNumber: null,
    Name: 'MobilePay',
    IsDefault: false,
    IsHidden: true,
    BankRegistrationNumber: null,
    BankAccountNumber: null,
    BankSwiftNumber: null,
    BankIbanNumber: null,
  },
]

const FIRST = ['Anna', 'Mads', 'Sofie', 'Lars', 'Emma', 'Jonas', 'Ida', 'Frederik', 'Laura', 'Mikkel']
const LAST = ['Jensen', 'Nielsen', 'Hansen', 'Pedersen', 'Andersen', 'Christensen', 'Larsen', 'Sørensen']
const COMPANY = ['Nordlys', 'Havblik', 'Skovly', 'Bølgen', 'Fjordkraft', 'Lindegården', 'Solsikke', 'Granhøj']
const SUFFIX = ['ApS', 'A/S', 'I/S', 'IVS']

const ascii = (s: string) =>
  s
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .replace(/[^a-z0-9]/g, '')
const pad = (n: number, width = 3) => String(n).padStart(width, '0')

/** Contact i of an organisation; index 0 is the fixture customer "Børge Lund" (apaq-dinero-fixtures). */
export function seededContact(i: number): ContactData {
  const known = contactMemo[i]
  if (known !== undefined) return { ...known }
  const made = makeContact(i)
  if (Number.isSafeInteger(i) && i >= 0 && i < SEED_MEMO_MAX) contactMemo[i] = Object.freeze({ ...made })
  return made
}

function makeContact(i: number): ContactData {
  const person = i % 4 === 0
  const name =
    i === 0
      ? 'Børge Lund'
      : person
        ? `${FIRST[i % FIRST.length]} ${LAST[(i * 3) % LAST.length]}`
        : `${COMPANY[i % COMPANY.length]} ${pad(i)} ${SUFFIX[Math.floor(i / 4) % SUFFIX.length]}`
  const email = person ? `${ascii(name)}${i}@example.dk` : `kontakt@${ascii(name)}.dk`
  return {
    ExternalReference: i % 2 === 0 ? `CRM-${pad(i, 4)}` : null,
    Name: name,
    Street: `${['Nørregade', 'Strandvejen', 'Algade', 'Torvet'][i % 4]} ${(i % 97) + 1}`,
    ZipCode: String(1000 + ((i * 37) % 8900)),
    City: ['København K', 'Aarhus C', 'Odense C', 'Aalborg'][i % 4]!,
    CountryKey: i % 25 === 24 ? 'SE' : 'DK',
    Phone: `+45 ${pad(20_000_000 + ((i * 7919) % 79_999_999), 8)}`,
    Email: email,
    Webpage: person ? null : `https://${ascii(name)}.dk`,
    AttPerson: person ? null : `${FIRST[(i + 3) % FIRST.length]} ${LAST[i % LAST.length]}`,
    VatNumber: person ? null : `DK${pad(10_000_000 + i * 37, 8)}`,
    EanNumber: !person && i % 10 === 5 ? `57900000${pad(i, 5)}` : null,
    SENumber: null,
    PNumber: null,
    PaymentConditionType: 'Netto',
    PaymentConditionNumberOfDays: i % 3 === 0 ? 14 : 8,
    IsPerson: person,
    IsMember: false,
    MemberNumber: null,
    UseCvr: !person,
    CompanyTypeKey: person ? null : 'PrivateLimitedCompany',
    InvoiceMailOutOptionKey: null,
    PreferredInvoiceLanguageKey: null,
    PreferredInvoiceCurrencyKey: null,
  }
}

const PRODUCTS: [string, string, number, string][] = [
  ['Konsulenttime', 'hours', 950, 'KT-01'],
  ['Supporttime', 'hours', 750, 'ST-01'],
  ['Licens, måned', 'month', 299, 'LIC-M'],
  ['Licens, år', 'set', 2990, 'LIC-A'],
  ['Opstartspakke', 'set', 4500, 'OP-01'],
  ['Kursusdag', 'day', 6500, 'KD-01'],
  ['Kørsel', 'km', 3.7, 'KM-01'],
  ['Rådgivning, uge', 'week', 32_000, 'RW-01'],
  ['Papir, kasse', 'box', 189, 'PK-01'],
  ['Toner', 'parts', 645, 'TN-01'],
  ['Hosting', 'month', 149, 'HO-01'],
  ['Domæne', 'set', 99, 'DO-01'],
]

/** [date, account, balancing account, amount, description] of the seeded bookings. */
const BOOKINGS: [string, number, number, number, string][] = [
  ['2024-03-15', 4000, 55000, 12_000, 'Husleje 1. kvartal'],
  ['2024-06-30', 55000, 1100, 30_000, 'Salg u/moms, juni'],
  ['2025-02-10', 3600, 55010, 800, 'Kontorartikler'],
  ['2025-05-01', 4000, 55000, 12_500, 'Husleje 2. kvartal'],
]

/**
 * Books the seeded vouchers as the API does: a draft first, then numbered by bookingNumber in the
 * same step as it is marked booked; every third booking is a ledger item, the others manual vouchers.
 */
function seedLedger(store: DineroStore, org: Organisation): void {
  const ctx = { store }
  BOOKINGS.forEach(([date, account, balancing, amount, description], i) => {
    const bookedAt = Date.parse(`${date}T12:00:00Z`)
    const at = { createdAt: bookedAt }
    if (i === 2) {
      const items = store.ledgerItems(org.Id)
      const guid = seededGuid(`${org.Id}:ledger-item:${i}`)
      items.insert(
        guid,
        {
          Status: 'Draft',
          VoucherNumber: null,
          VoucherDate: date,
          FileGuid: null,
          Lines: [
            {
              Id: seededGuid(`${org.Id}:ledger-line:${i}`),
              Description: description,
              Amount: amount,
              AccountNumber: account,
              AccountVatCode: null,
              BalancingAccountNumber: balancing,
              BalancingAccountVatCode: null,
              IsPaymentForVoucherId: null,
            },
          ],
          BookedAt: null,
        },
        at,
      )
      items.modify(guid, undefined, (r) => ({
        data: {
          ...r.data,
          Status: 'Booked',
          VoucherNumber: bookingNumber(ctx, org, date, r.data.VoucherNumber),
          BookedAt: bookedAt,
        },
      }))
      return
    }
    const vouchers = store.manualVouchers(org.Id)
    const guid = seededGuid(`${org.Id}:manual-voucher:${i}`)
    vouchers.insert(
      guid,
      {
        Status: 'Draft',
        VoucherNumber: null,
        VoucherDate: date,
        FileGuid: null,
        ExternalReference: `FB-${pad(i + 1, 4)}`,
        Lines: [
          {
            Description: description,
            AccountNumber: account,
            BalancingAccountNumber: balancing,
            Amount: amount,
            AccountVatCode: null,
            BalancingAccountVatCode: null,
          },
        ],
        BookedAt: null,
        BookedBy: null,
      },
      at,
    )
    vouchers.modify(guid, undefined, (r) => ({
      data: {
        ...r.data,
        Status: 'Booked',
        VoucherNumber: bookingNumber(ctx, org, date, null),
        BookedAt: bookedAt,
        BookedBy: DEFAULT_USER.subject,
      },
    }))
  })
}

/**
 * 118244's sales credit notes: one booked (number 1) crediting one of the two units of the first
 * booked invoice (number 1), and one draft crediting one of the three units of invoice 2.
 */
function seedCreditNotes(store: DineroStore, org: Organisation): void {
  const notes = store.creditNotes(org.Id)
  const credit = (i: number, invoiceIndex: number, date: string, booked: boolean) => {
    const invoice = store.invoices(org.Id).get(seededGuid(`${org.Id}:invoice:${invoiceIndex}`))
    const line = invoice?.data.ProductLines[0]
    if (invoice === undefined || line === undefined) return
    const at = Date.parse(`${date}T10:00:00Z`)
    notes.insert(
      seededGuid(`${org.Id}:credit-note:${i}`),
      {
        Number: booked ? i + 1 : null,
        Status: booked ? 'Booked' : 'Draft',
        CreditNoteFor: invoice.guid,
        ContactGuid: invoice.data.ContactGuid,
        Date: date,
        Currency: invoice.data.Currency,
        Language: invoice.data.Language,
        ExternalReference: `KN-${pad(i + 1, 4)}`,
        Description: `Kreditnota til faktura ${invoice.data.Number}`,
        Comment: null,
        Address: null,
        ShowLinesInclVat: false,
        InvoiceTemplateId: null,
        ProductLines: [{ ...line, Quantity: 1 }],
        Payments: [],
        BookedAt: booked ? at : null,
      },
      { createdAt: at },
    )
  }
  credit(0, 4, '2024-02-20', true)
  credit(1, 5, '2024-03-05', false)
}

function seedOrganisation(
  store: DineroStore,
  org: Organisation,
  counts: { contacts: number; deletedContacts: number; products: number; invoices: number },
): void {
  const id = org.Id
  store.addOrganisation(org)
  for (const a of ENTRY_ACCOUNTS) store.addEntryAccount(id, { ...a })
  for (const a of DEPOSIT_ACCOUNTS) store.addDepositAccount(id, { ...a })

  const contacts = store.contacts(id)
  const contactGuids: string[] = []
  for (let i = 0; i < counts.contacts + counts.deletedContacts; i++) {
    const guid = seededGuid(`${id}:contact:${i}`)
    contacts.insert(guid, seededContact(i), { createdAt: SEED_EPOCH + i * HOUR })
    if (i >= counts.contacts)
      contacts.modify(guid, undefined, () => ({ deletedAt: SEED_EPOCH + (i + 1) * HOUR }))
    else contactGuids.push(guid)
  }

  const products = store.products(id)
  const productGuids: string[] = []
  for (let i = 0; i < counts.products; i++) {
    const [name, unit, price, number] = PRODUCTS[i % PRODUCTS.length]!
    const guid = seededGuid(`${id}:product:${i}`)
    const data: ProductData = {
      ProductNumber: number,
      Name: name,
      BaseAmountValue: price,
      Quantity: 1,
      AccountNumber: 1000,
      Unit: unit,
      ExternalReference: `PIM-${pad(i, 4)}`,
      Comment: null,
    }
    products.insert(guid, data, { createdAt: SEED_EPOCH + i * HOUR })
    productGuids.push(guid)
  }

  // Invoices: the first 40 % drafts, then booked (numbers from 1), the last 30 % paid in full.
  const invoices = store.invoices(id)
  const drafts = Math.floor(counts.invoices * 0.4)
  const paidFrom = counts.invoices - Math.floor(counts.invoices * 0.3)
  let number = 0
  for (let i = 0; i < counts.invoices; i++) {
    const guid = seededGuid(`${id}:invoice:${i}`)
    const contactGuid = i === 0 ? null : (contactGuids[(i * 17) % contactGuids.length] ?? null)
    const productIndex = i % productGuids.length
    const product = PRODUCTS[productIndex % PRODUCTS.length]!
    const day = new Date(SEED_EPOCH + i * 24 * HOUR * 9).toISOString().slice(0, 10)
    const booked = i >= drafts
    const data: InvoiceData = {
      Number: booked ? ++number : null,
      Status: booked ? 'Booked' : 'Draft',
      ContactGuid: contactGuid,
      Date: day,
      PaymentConditionType: 'Netto',
      PaymentConditionNumberOfDays: 8,
      Currency: 'DKK',
      Language: 'da-DK',
      ExternalReference: `ORDER-${pad(i + 1, 5)}`,
      Description: 'Faktura',
      Comment: null,
      Address: null,
      ShowLinesInclVat: false,
      InvoiceTemplateId: null,
      IsMobilePayInvoiceEnabled: false,
      IsPensoPayEnabled: false,
      ProductLines: [
        {
          ProductGuid: productGuids[productIndex] ?? null,
          Description: product[0],
          Comments: null,
          Quantity: (i % 3) + 1,
          AccountNumber: 1000,
          Unit: product[1],
          Discount: 0,
          BaseAmountValue: product[2],
          LineType: 'Product',
        },
      ],
      Payments: [],
    }
    if (i >= paidFrom) {
      data.Payments.push({
        Guid: seededGuid(`${id}:payment:${i}`),
        DepositAccountNumber: 55000,
        Amount: invoiceTotals(org, ENTRY_ACCOUNTS, data).TotalInclVat,
        Description: `Betaling faktura ${data.Number}`,
        PaymentDate: day,
        ExternalReference: null,
        RemainderIsFee: false,
      })
    }
    invoices.insert(guid, data, { createdAt: SEED_EPOCH + i * 24 * HOUR * 9 })
  }

  if (counts.invoices > 0) {
    store.purchaseVouchers(id).insert(
      seededGuid(`${id}:purchase:0`),
      {
        PurchaseType: 'credit',
        Status: 'Draft',
        VoucherNumber: null,
        VoucherDate: '2024-03-01',
        PaymentDate: '2024-03-15',
        RegionKey: null,
        FileGuid: null,
        ContactGuid: contactGuids[1] ?? null,
        DepositAccountNumber: null,
        CurrencyKey: 'DKK',
        ExternalReference: 'BILAG-0001',
        Lines: [
          {
            AccountNumber: 3600,
            Description: 'Kontorartikler',
            Amount: 1250,
            VatCode: 'I25',
            AccountTagName: null,
          },
        ],
        BookingTime: null,
      },
      { createdAt: Date.UTC(2024, 2, 1, 9) },
    )
  }
}

/**
 * 118244's trade offers and overdue invoices: a draft offer to the fixture customer, and an offer
 * that was turned into invoice 1's draft (its contact and line), which it lists. The booked,
 * unpaid invoices numbered 1–3 (dated February–March 2024, due 8 days later) are overdue for any
 * clock after their due dates, so reminders and pre-reminders have invoices to act on.
 */
export const SEEDED_OVERDUE_INVOICE_NUMBERS = [1, 2, 3] as const

function seedTradeOffers(store: DineroStore, org: Organisation): void {
  const offers = store.tradeOffers(org.Id)
  const invoiced = store.invoices(org.Id).get(seededGuid(`${org.Id}:invoice:1`))
  const offer = (i: number, contactGuid: string, lines: InvoiceLine[], generated: string[]) => {
    const date = new Date(SEED_EPOCH + (i + 1) * 24 * HOUR * 5).toISOString().slice(0, 10)
    offers.insert(
      seededGuid(`${org.Id}:trade-offer:${i}`),
      {
        Number: i + 1,
        Status: generated.length > 0 ? 'Invoiced' : 'Draft',
        ContactGuid: contactGuid,
        Date: date,
        Currency: 'DKK',
        Language: 'da-DK',
        ExternalReference: `TILBUD-${pad(i + 1, 4)}`,
        Description: 'Tilbud',
        Comment: null,
        Address: null,
        ShowLinesInclVat: false,
        InvoiceTemplateId: null,
        ProductLines: lines,
        GeneratedVouchers: generated,
        EmailSentAt: null,
      },
      { createdAt: Date.parse(`${date}T09:00:00Z`) },
    )
  }
  const [name, unit, price] = PRODUCTS[0]!
  offer(
    0,
    seededGuid(`${org.Id}:contact:0`),
    [
      {
        ProductGuid: seededGuid(`${org.Id}:product:0`),
        Description: name,
        Comments: null,
        Quantity: 4,
        AccountNumber: 1000,
        Unit: unit,
        Discount: 0,
        BaseAmountValue: price,
        LineType: 'Product',
      },
    ],
    [],
  )
  if (invoiced?.data.ContactGuid != null)
    offer(
      1,
      invoiced.data.ContactGuid,
      invoiced.data.ProductLines.map((l) => ({ ...l })),
      [invoiced.guid],
    )
}

/** The smallest valid PNG: one transparent pixel. */
const PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII='
/** RFC 2606 §2: `.invalid` never resolves, so the seeded subscription is delivered nowhere. */
export const SEEDED_WEBHOOK_URI = 'https://webhooks.example.invalid/dinero'

/**
 * The Pro organisation's file archive: a receipt (PNG) and the terms of trade (PDF, a default
 * attachment), both bound to booked invoice 1; and one webhook subscription (`invoice.booked`)
 * that points nowhere. File guids are 32 hex digits of sha256(`${org}:file:${i}`).
 */
function seedArchive(store: DineroStore, id: number): void {
  const files: [string, string, Uint8Array, boolean][] = [
    ['kvittering-kontorartikler.png', 'image/png', new Uint8Array(Buffer.from(PIXEL_PNG, 'base64')), false],
    [
      'handelsbetingelser.pdf',
      'application/pdf',
      documentPdf('Handelsbetingelser', ['Betaling netto 8 dage.', 'Ejendomsforbehold indtil betaling.']),
      true,
    ],
  ]
  const invoice = seededGuid(`${id}:invoice:4`)
  files.forEach(([name, type, bytes, isDefault], i) => {
    const guid = createHash('sha256').update(`${id}:file:${i}`).digest('hex').slice(0, 32)
    store.files(id).insert(
      guid,
      {
        Name: name,
        Extension: name.split('.').pop() ?? '',
        ContentType: type,
        Bytes: bytes,
        Archived: true,
        DefaultAttachment: isDefault,
        UploadedBy: DEFAULT_USER.name,
      },
      { createdAt: Date.UTC(2024, 1, 1, 9 + i) },
    )
    store.attachments(id).bind(invoice, guid, name)
  })
  store.webhooks(id).subscribe('invoice.booked', SEEDED_WEBHOOK_URI)
}

/** Seeds `store`; `subjects` are the users who get the three default organisations. */
export function seedDinero(store: DineroStore, subjects: readonly string[] = [DEFAULT_USER.subject]): void {
  const [pro, secondPro, nonPro] = ORGANISATIONS as [Organisation, Organisation, Organisation]
  seedOrganisation(store, structuredClone(pro), {
    contacts: SEEDED_LIVE_CONTACTS,
    deletedContacts: SEEDED_DELETED_CONTACTS,
    products: 12,
    invoices: 10,
  })
  seedLedger(store, store.organisation(PRO_ORGANISATION_ID)!)
  seedCreditNotes(store, store.organisation(PRO_ORGANISATION_ID)!)
  seedTradeOffers(store, store.organisation(PRO_ORGANISATION_ID)!)
  seedOrganisation(store, structuredClone(secondPro), {
    contacts: 12,
    deletedContacts: 0,
    products: 4,
    invoices: 4,
  })
  seedOrganisation(store, structuredClone(nonPro), {
    contacts: 3,
    deletedContacts: 0,
    products: 0,
    invoices: 0,
  })
  seedOrganisation(store, structuredClone(FOREIGN_ORGANISATION), {
    contacts: 2,
    deletedContacts: 0,
    products: 0,
    invoices: 0,
  })
  seedArchive(store, PRO_ORGANISATION_ID)
  for (const subject of subjects) for (const o of ORGANISATIONS) store.grantAccess(subject, o.Id)
  store.grantAccess(FOREIGN_SUBJECT, FOREIGN_ORGANISATION_ID)
}
