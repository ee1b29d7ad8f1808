import type { Clock } from '../clock.ts'

/**
 * The Dinero side of one mock's state, behind verbs (handlers never touch a Map):
 * - organisations and which user subjects may reach them (dinero-faq: numeric "firmaID");
 * - per organisation: contacts, products, invoices, purchase vouchers, entry and deposit accounts;
 * - version timestamps: 16 hex digits (`00000000020A5EA8`, dinero-openapi) from one counter per
 *   store that only goes up, so every write yields a new, larger version;
 * - optimistic concurrency: `modify` compares the sent Timestamp with the current one and writes
 *   in the same synchronous step (no await in between), so of two racing writers exactly one wins;
 * - manual vouchers and ledger items per organisation (drafts, booked, deleted after booking);
 * - trade offers, invoice reminders and the mailouts (e-mails, e-documents, SMS) sent about vouchers;
 * - sales and purchase credit notes, and the payments on credit purchase vouchers and purchase
 *   credit notes;
 * - per organisation: uploaded files (their bytes), attachments binding files to documents, and
 *   webhook subscriptions (event id → Uri);
 * - per organisation and generic resource (the generated layer's simple create/get/update/delete
 *   resources, keyed like `/{organizationId}/tradeoffers`): one table of stored bodies;
 * - rate-limit windows per organisation on the mock clock (dinero-api-errors: 100 requests a minute).
 * `reset()` throws all of it away and seeds again from scratch, counter included.
 */

export interface Subscription {
  HasPro: boolean
  HasPayingPro: boolean
  HasStarterPlus: boolean
  HasTotal: boolean
  HasYfs: boolean
}

/** Union of OrganizationReadModel and OrganizationReadModelV2 (dinero-openapi). */
export interface Organisation {
  Id: number
  Name: string
  Type: string
  IsPro: boolean
  IsPayingPro: boolean
  IsVatFree: boolean
  IsTaxFreeUnion: boolean
  Email: string | null
  Phone: string | null
  Street: string | null
  City: string | null
  ZipCode: string | null
  AttPerson: string | null
  VatNumber: string | null
  CountryKey: string | null
  Website: string | null
  CompanyTypeKey: string | null
  RoleKey: string | null
  Subscription: Subscription
}

/** A stored item: its data plus the bookkeeping every Dinero entity has. */
export interface Row<D> {
  readonly guid: string
  /** The current version, sent back as `TimeStamp`/`Timestamp`. */
  readonly version: string
  readonly createdAt: number
  readonly updatedAt: number
  readonly deletedAt: number | null
  readonly data: D
}

export type ModifyResult<D> =
  | { ok: true; row: Row<D> }
  | { ok: false; reason: 'not-found' }
  | { ok: false; reason: 'stale'; row: Row<D> }

export interface Table<D> {
  /** Every row in insertion order (deleted ones included). */
  all(): Row<D>[]
  get(guid: string): Row<D> | undefined
  /** Adds a row; undefined when the guid is taken. */
  insert(guid: string, data: D, at?: { createdAt: number }): Row<D> | undefined
  /**
   * Compare-and-set: when `expected` is given it must equal the current version, else `stale`.
   * `change` runs synchronously between the check and the write; it may throw to refuse.
   */
  modify(
    guid: string,
    expected: string | undefined,
    change: (row: Row<D>) => { data?: D; deletedAt?: number | null },
  ): ModifyResult<D>
  /** Removes a row for good (compare-and-set like `modify`). */
  remove(guid: string, expected: string | undefined): ModifyResult<D>
}

export interface ContactData {
  ExternalReference: string | null
  Name: string
  Street: string | null
  ZipCode: string | null
  City: string | null
  CountryKey: string
  Phone: string | null
  Email: string | null
  Webpage: string | null
  AttPerson: string | null
  VatNumber: string | null
  EanNumber: string | null
  SENumber: string | null
  PNumber: string | null
  PaymentConditionType: string | null
  PaymentConditionNumberOfDays: number | null
  IsPerson: boolean
  IsMember: boolean
  MemberNumber: string | null
  UseCvr: boolean
  CompanyTypeKey: string | null
  InvoiceMailOutOptionKey: string | null
  PreferredInvoiceLanguageKey: string | null
  PreferredInvoiceCurrencyKey: string | null
}

export interface ProductData {
  ProductNumber: string | null
  Name: string | null
  BaseAmountValue: number
  Quantity: number
  AccountNumber: number
  Unit: string
  ExternalReference: string | null
  Comment: string | null
}

export interface InvoiceLine {
  ProductGuid: string | null
  Description: string | null
  Comments: string | null
  Quantity: number
  AccountNumber: number
  Unit: string | null
  Discount: number
  BaseAmountValue: number
  LineType: 'Product' | 'Text'
}

export interface Payment {
  Guid: string
  DepositAccountNumber: number
  Amount: number
  Description: string
  PaymentDate: string
  ExternalReference: string | null
  RemainderIsFee: boolean
  /** Mock-clock ms it was registered (its entries are posted then); absent on seeded payments. */
  PostedAt?: number
}

/** The texts, lines and template every sales document keeps (invoice, credit note, trade offer). */
export interface SalesDocumentFields {
  Date: string
  Currency: string
  Language: string
  ExternalReference: string | null
  Description: string
  Comment: string | null
  Address: string | null
  ShowLinesInclVat: boolean
  InvoiceTemplateId: string | null
  ProductLines: InvoiceLine[]
}

export interface InvoiceData extends SalesDocumentFields {
  /** null while a draft; assigned when booked. */
  Number: number | null
  Status: 'Draft' | 'Booked'
  ContactGuid: string | null
  PaymentConditionType: string
  PaymentConditionNumberOfDays: number
  IsMobilePayInvoiceEnabled: boolean
  IsPensoPayEnabled: boolean
  Payments: Payment[]
  /** InvoiceCreateModel's reminder terms (0..100); absent on invoices made before they were kept. */
  ReminderFee?: number | null
  ReminderInterestRate?: number | null
  /** Mock-clock ms of the booking (its entries are posted then); absent on seeded invoices. */
  BookedAt?: number | null
}

/** A trade offer ("tilbud", dinero-openapi): numbered when created, never booked. */
export interface TradeOfferData extends SalesDocumentFields {
  Number: number
  Status: 'Draft' | 'Invoiced'
  ContactGuid: string
  /** Invoices generated from the offer, oldest first. */
  GeneratedVouchers: string[]
  EmailSentAt: number | null
}

/** A reminder ("rykker") of a booked invoice; rows are keyed by its int32 Id as text. */
export interface ReminderData {
  InvoiceGuid: string
  IsDraft: boolean
  Date: string
  Title: string | null
  Description: string | null
  WithDebtCollectionWarning: boolean
  WithFee: boolean
  WithInterestFee: boolean
  WithCompensationFee: boolean
}

/** One e-mail, e-document or SMS sent about a voucher (VoucherMailoutReadModel); keyed by Id. */
export interface MailoutData {
  VoucherGuid: string
  Type:
    | 'Invoice'
    | 'PreReminder'
    | 'Reminder'
    | 'EInvoice'
    | 'EReminder'
    | 'TradeOffer'
    | 'Sms'
    | 'CreditNote'
    | 'ECreditNote'
  Sender: string | null
  Receiver: string | null
  Subject: string | null
  Message: string | null
  CcToSender: boolean
  IsSms: boolean
}

export interface PurchaseLine {
  AccountNumber: number | null
  Description: string | null
  Amount: number
  VatCode: string | null
  AccountTagName: string | null
}

export interface PurchaseVoucherData {
  PurchaseType: 'cash' | 'credit'
  Status: 'Draft' | 'Booked' | 'Paid'
  VoucherNumber: number | null
  VoucherDate: string
  PaymentDate: string | null
  RegionKey: string | null
  FileGuid: string | null
  ContactGuid: string | null
  DepositAccountNumber: number | null
  CurrencyKey: string | null
  ExternalReference: string | null
  Lines: PurchaseLine[]
  BookingTime: string | null
}

export interface ManualVoucherLine {
  Description: string | null
  AccountNumber: number | null
  BalancingAccountNumber: number | null
  Amount: number
  AccountVatCode: string | null
  BalancingAccountVatCode: string | null
}

export interface ManualVoucherData {
  Status: 'Draft' | 'Booked'
  /** Assigned when booked, in sequence within the voucher date's accounting year. */
  VoucherNumber: number | null
  VoucherDate: string
  FileGuid: string | null
  ExternalReference: string | null
  Lines: ManualVoucherLine[]
  /** Mock-clock ms of the booking, and of the reversal when a booked voucher is deleted. */
  BookedAt: number | null
  BookedBy: string | null
}

export interface LedgerLine {
  Id: string
  Description: string | null
  Amount: number | null
  AccountNumber: number | null
  AccountVatCode: string | null
  BalancingAccountNumber: number | null
  BalancingAccountVatCode: string | null
  IsPaymentForVoucherId: string | null
}

export interface LedgerItemData {
  Status: 'Draft' | 'Booked'
  /** Asked for on the draft, or given when booked. */
  VoucherNumber: number | null
  VoucherDate: string
  FileGuid: string | null
  Lines: LedgerLine[]
  BookedAt: number | null
}

export interface CreditNoteData extends SalesDocumentFields {
  /** null while a draft; assigned when booked. */
  Number: number | null
  Status: 'Draft' | 'Booked'
  /** The invoice it credits, if any. */
  CreditNoteFor: string | null
  ContactGuid: string | null
  Payments: Payment[]
  /** Mock-clock ms of the booking (its entries are posted then). */
  BookedAt: number | null
}

export interface PurchaseCreditNoteData {
  Number: number | null
  Status: 'Draft' | 'Booked'
  /** The purchase voucher it credits, if any. */
  CreditNoteFor: string | null
  FileGuid: string | null
  ContactGuid: string | null
  Date: string
  Currency: string
  Lines: PurchaseLine[]
  BookingTime: string | null
  BookedBy: string | null
}

/** A payment on a credit purchase voucher or a purchase credit note (keyed by its own Guid). */
export interface PurchasePaymentData extends Omit<Payment, 'Guid'> {
  /** The purchase voucher or purchase credit note it pays. */
  VoucherGuid: string
}

/** A generic resource's stored request body (validated by its generated request schema). */
export type GenericRecord = Readonly<Record<string, unknown>>

/** An uploaded file (dinero-openapi Files), keyed by its 32-character FileGuid: the bytes as sent. */
export interface FileData {
  Name: string
  Extension: string
  ContentType: string
  Bytes: Uint8Array
  /** In the file archive (POST /files); false for POST /files/attachment, usable only as an attachment. */
  Archived: boolean
  /** One of the organisation's default attachments (its settings), bound by `bind/default`. */
  DefaultAttachment: boolean
  UploadedBy: string | null
}

/** A file bound to a document (invoice, trade offer, credit note) as an attachment. */
export interface Attachment {
  DocumentGuid: string
  FileGuid: string
  FileName: string
  BoundAt: number
}

export interface Attachments {
  /** A document's attachments in the order they were bound. */
  of(documentGuid: string): Attachment[]
  /** Binds a file to a document; binding it again renames it. */
  bind(documentGuid: string, fileGuid: string, fileName: string): Attachment
  unbind(documentGuid: string, fileGuid: string): boolean
}

/** One organisation's webhook subscription: where an event is POSTed. */
export interface WebhookSubscription {
  EventId: string
  Uri: string
  CreatedAt: number
}

export interface WebhookSubscriptions {
  all(): WebhookSubscription[]
  /** The same event and Uri again is the same subscription. */
  subscribe(eventId: string, uri: string): WebhookSubscription
  /** Ends every subscription to the event; how many ended. */
  unsubscribe(eventId: string): number
}

export interface EntryAccount {
  AccountNumber: number
  PublicStandardNumber: number | null
  Name: string
  VatCode: string | null
  Category: string
  CategoryName: string
  IsHidden: boolean
  IsDefaultSalesAccount: boolean
}

export interface DepositAccount {
  AccountNumber: number
  PublicStandardNumber: number | null
  Name: string
  IsDefault: boolean
  IsHidden: boolean
  BankRegistrationNumber: string | null
  BankAccountNumber: string | null
  BankSwiftNumber: string | null
  BankIbanNumber: string | null
}

export type RateLimitVerdict = { ok: true } | { ok: false; retryAfterSeconds: number }

export interface DineroStore {
  /** A fresh version: 16 upper-case hex digits, larger than every one before (dinero-openapi). */
  nextTimestamp(): string
  addOrganisation(org: Organisation): void
  organisation(id: number): Organisation | undefined
  grantAccess(subject: string, organisationId: number): void
  canAccess(subject: string, organisationId: number): boolean
  /** Lifecycle: the user loses access to one organisation (the company removed them). */
  revokeAccess(subject: string, organisationId: number): boolean
  /** Lifecycle: an organisation gains or loses its Pro subscription. */
  setPro(organisationId: number, isPro: boolean): boolean
  /** The organisations a user can reach, in the order they were added. */
  organisationsOf(subject: string): Organisation[]
  contacts(organisationId: number): Table<ContactData>
  products(organisationId: number): Table<ProductData>
  invoices(organisationId: number): Table<InvoiceData>
  purchaseVouchers(organisationId: number): Table<PurchaseVoucherData>
  entryAccounts(organisationId: number): EntryAccount[]
  addEntryAccount(organisationId: number, account: EntryAccount): void
  depositAccounts(organisationId: number): DepositAccount[]
  addDepositAccount(organisationId: number, account: DepositAccount): void
  manualVouchers(organisationId: number): Table<ManualVoucherData>
  ledgerItems(organisationId: number): Table<LedgerItemData>
  tradeOffers(organisationId: number): Table<TradeOfferData>
  reminders(organisationId: number): Table<ReminderData>
  mailouts(organisationId: number): Table<MailoutData>
  creditNotes(organisationId: number): Table<CreditNoteData>
  purchaseCreditNotes(organisationId: number): Table<PurchaseCreditNoteData>
  purchasePayments(organisationId: number): Table<PurchasePaymentData>
  /** The table of one generic resource (created empty on first use). */
  records(organisationId: number, resource: string): Table<GenericRecord>
  files(organisationId: number): Table<FileData>
  attachments(organisationId: number): Attachments
  webhooks(organisationId: number): WebhookSubscriptions
  /**
   * Counts one request against an organisation's sliding 60 s window; refused (and not
   * counted) once `limit` requests fall inside it. A limit of 0 or less never refuses.
   */
  hit(organisationId: number, limit: number): RateLimitVerdict
  /** Forgets everything and seeds again. */
  reset(): void
}

export interface DineroStoreOptions {
  /** Fills a fresh store; run at creation and after every reset. */
  seed?: (store: DineroStore) => void
}

const WINDOW_MS = 60_000
/** The counter starts below the spec's example value, so early versions look like real ones. */
const FIRST_VERSION = 0x20a5e00

function createTable<D>(clock: Clock, nextVersion: () => string): Table<D> {
  const rows = new Map<string, Row<D>>()
  const key = (guid: string) => guid.toLowerCase()
  const check = (guid: string, expected: string | undefined): ModifyResult<D> => {
    const row = rows.get(key(guid))
    if (row === undefined) return { ok: false, reason: 'not-found' }
    if (expected !== undefined && expected !== row.version) return { ok: false, reason: 'stale', row }
    return { ok: true, row }
  }
  return {
    all: () => [...rows.values()],
    get: (guid) => rows.get(key(guid)),
    insert(guid, data, at) {
      if (rows.has(key(guid))) return undefined
      const now = at?.createdAt ?? clock.now()
      const row: Row<D> = {
        // Served as .NET writes a System.Guid, lower case, whatever case the client sent it in.
        guid: key(guid),
        version: nextVersion(),
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
        data,
      }
      rows.set(key(guid), row)
      return row
    },
    modify(guid, expected, change) {
      const found = check(guid, expected)
      if (!found.ok) return found
      const patch = change(found.row)
      const row: Row<D> = {
        ...found.row,
        data: patch.data ?? found.row.data,
        deletedAt: patch.deletedAt === undefined ? found.row.deletedAt : patch.deletedAt,
        version: nextVersion(),
        updatedAt: clock.now(),
      }
      rows.set(key(guid), row)
      return { ok: true, row }
    },
    remove(guid, expected) {
      const found = check(guid, expected)
      if (found.ok) rows.delete(key(guid))
      return found
    },
  }
}

interface OrganisationData {
  org: Organisation
  contacts: Table<ContactData>
  products: Table<ProductData>
  invoices: Table<InvoiceData>
  purchaseVouchers: Table<PurchaseVoucherData>
  entryAccounts: EntryAccount[]
  depositAccounts: DepositAccount[]
  manualVouchers: Table<ManualVoucherData>
  ledgerItems: Table<LedgerItemData>
  tradeOffers: Table<TradeOfferData>
  reminders: Table<ReminderData>
  mailouts: Table<MailoutData>
  creditNotes: Table<CreditNoteData>
  purchaseCreditNotes: Table<PurchaseCreditNoteData>
  purchasePayments: Table<PurchasePaymentData>
  records: Map<string, Table<GenericRecord>>
  files: Table<FileData>
  attachments: Map<string, Map<string, Attachment>>
  webhooks: Map<string, WebhookSubscription>
}

interface State {
  counter: number
  organisations: Map<number, OrganisationData>
  access: Map<string, Set<number>>
  windows: Map<number, number[]>
}

const emptyState = (): State => ({
  counter: FIRST_VERSION,
  organisations: new Map(),
  access: new Map(),
  windows: new Map(),
})

export function createDineroStore(clock: Clock, options: DineroStoreOptions = {}): DineroStore {
  let state = emptyState()
  const nextTimestamp = () => {
    state.counter += 1
    return state.counter.toString(16).toUpperCase().padStart(16, '0')
  }
  const data = (id: number): OrganisationData => {
    const d = state.organisations.get(id)
    if (d === undefined) throw new RangeError(`no Dinero organisation ${id}`)
    return d
  }

  const store: DineroStore = {
    nextTimestamp,
    addOrganisation(org) {
      if (state.organisations.has(org.Id)) throw new RangeError(`organisation ${org.Id} exists`)
      state.organisations.set(org.Id, {
        org,
        contacts: createTable(clock, nextTimestamp),
        products: createTable(clock, nextTimestamp),
        invoices: createTable(clock, nextTimestamp),
        purchaseVouchers: createTable(clock, nextTimestamp),
        entryAccounts: [],
        depositAccounts: [],
        manualVouchers: createTable(clock, nextTimestamp),
        ledgerItems: createTable(clock, nextTimestamp),
        tradeOffers: createTable(clock, nextTimestamp),
        reminders: createTable(clock, nextTimestamp),
        mailouts: createTable(clock, nextTimestamp),
        creditNotes: createTable(clock, nextTimestamp),
        purchaseCreditNotes: createTable(clock, nextTimestamp),
        purchasePayments: createTable(clock, nextTimestamp),
        records: new Map(),
        files: createTable(clock, nextTimestamp),
        attachments: new Map(),
        webhooks: new Map(),
      })
    },
    organisation: (id) => state.organisations.get(id)?.org,
    grantAccess(subject, organisationId) {
      data(organisationId)
      const set = state.access.get(subject) ?? new Set<number>()
      set.add(organisationId)
      state.access.set(subject, set)
    },
    canAccess: (subject, id) => state.access.get(subject)?.has(id) === true,
    revokeAccess: (subject, id) => state.access.get(subject)?.delete(id) === true,
    setPro(id, isPro) {
      const org = state.organisations.get(id)?.org
      if (org === undefined) return false
      org.IsPro = isPro
      org.IsPayingPro = isPro && org.IsPayingPro
      return true
    },
    organisationsOf(subject) {
      const ids = state.access.get(subject) ?? new Set<number>()
      return [...state.organisations.values()].filter((d) => ids.has(d.org.Id)).map((d) => d.org)
    },
    contacts: (id) => data(id).contacts,
    products: (id) => data(id).products,
    invoices: (id) => data(id).invoices,
    purchaseVouchers: (id) => data(id).purchaseVouchers,
    entryAccounts: (id) => [...data(id).entryAccounts],
    addEntryAccount: (id, account) => void data(id).entryAccounts.push(account),
    depositAccounts: (id) => [...data(id).depositAccounts],
    addDepositAccount: (id, account) => void data(id).depositAccounts.push(account),
    manualVouchers: (id) => data(id).manualVouchers,
    ledgerItems: (id) => data(id).ledgerItems,
    tradeOffers: (id) => data(id).tradeOffers,
    reminders: (id) => data(id).reminders,
    mailouts: (id) => data(id).mailouts,
    creditNotes: (id) => data(id).creditNotes,
    purchaseCreditNotes: (id) => data(id).purchaseCreditNotes,
    purchasePayments: (id) => data(id).purchasePayments,
    records(id, resource) {
      const tables = data(id).records
      let table = tables.get(resource)
      if (table === undefined) {
        table = createTable(clock, nextTimestamp)
        tables.set(resource, table)
      }
      return table
    },
    files: (id) => data(id).files,
    attachments(id) {
      const documents = data(id).attachments
      return {
        of: (doc) => [...(documents.get(doc.toLowerCase())?.values() ?? [])],
        bind(doc, fileGuid, fileName) {
          const bound = documents.get(doc.toLowerCase()) ?? new Map<string, Attachment>()
          const a = { DocumentGuid: doc, FileGuid: fileGuid, FileName: fileName, BoundAt: clock.now() }
          bound.set(fileGuid.toLowerCase(), a)
          documents.set(doc.toLowerCase(), bound)
          return a
        },
        unbind: (doc, fileGuid) => documents.get(doc.toLowerCase())?.delete(fileGuid.toLowerCase()) === true,
      }
    },
    webhooks(id) {
      const subscriptions = data(id).webhooks
      return {
        all: () => [...subscriptions.values()],
        subscribe(eventId, uri) {
          const key = `${eventId}\n${uri}`
          const existing = subscriptions.get(key)
          if (existing !== undefined) return existing
          const s = { EventId: eventId, Uri: uri, CreatedAt: clock.now() }
          subscriptions.set(key, s)
          return s
        },
        unsubscribe(eventId) {
          let ended = 0
          for (const [key, s] of subscriptions)
            if (s.EventId === eventId && subscriptions.delete(key)) ended++
          return ended
        },
      }
    },
    hit(organisationId, limit) {
      if (limit <= 0) return { ok: true }
      const now = clock.now()
      // A request dated after now (the clock was moved back) is not inside the last minute.
      const recent = (state.windows.get(organisationId) ?? []).filter((t) => t > now - WINDOW_MS && t <= now)
      if (recent.length >= limit) {
        state.windows.set(organisationId, recent)
        // The window frees when enough of the oldest requests have left it to drop below the limit.
        const freeing = recent[recent.length - limit] ?? now
        return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((freeing + WINDOW_MS - now) / 1000)) }
      }
      recent.push(now)
      state.windows.set(organisationId, recent)
      return { ok: true }
    },
    reset() {
      state = emptyState()
      options.seed?.(store)
    },
  }
  options.seed?.(store)
  return store
}
