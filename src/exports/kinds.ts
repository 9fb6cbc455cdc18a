import type { Type } from '@nestjs/common';
import {
  AgreementListQuery,
  toAgreementDto,
  type AgreementDto,
} from '../agreements/agreements.dto';
import type { Agreement } from '../agreements/agreement.entity';
import { AgreementsService } from '../agreements/agreements.service';
import type { Actor } from '../auth/actor';
import { isAgency, type Action } from '../auth/permissions';
import type { Page, PageQuery } from '../common/pagination';
import { CompanyListQuery, toCompanyDto, type CompanyDto } from '../companies/companies.dto';
import { CompaniesService } from '../companies/companies.service';
import type { Company } from '../companies/company.entity';
import { ContactListQuery, toContactDto, type ContactDto } from '../contacts/contacts.dto';
import type { Contact } from '../contacts/contact.entity';
import { ContactsService } from '../contacts/contacts.service';
import { personName } from '../contacts/names';
import { FollowUpListQuery, toFollowUpDto, type FollowUpDto } from '../follow-ups/follow-ups.dto';
import type { FollowUp } from '../follow-ups/follow-up.entity';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import {
  InteractionListQuery,
  toInteractionDto,
  type InteractionDto,
} from '../interactions/interactions.dto';
import type { InteractionRecord } from '../interactions/interaction.entity';
import { InteractionsService } from '../interactions/interactions.service';
import { LeadListQuery, toLeadDto, type LeadDto } from '../leads/leads.dto';
import type { Lead } from '../leads/lead.entity';
import { LeadsService } from '../leads/leads.service';
import { PartnerListQuery, toPartnerDto, type PartnerDto } from '../partners/partners.dto';
import type { Partner } from '../partners/partner.entity';
import { PartnersService } from '../partners/partners.service';
import { TripListQuery, toTripDto, type TripDto } from '../trips/trips.dto';
import type { Trip } from '../trips/trip.entity';
import { TripsService } from '../trips/trips.service';
import type { User } from '../users/user.entity';
import { toUserDto, UserListQuery, type UserDto } from '../users/users.dto';
import { UsersService } from '../users/users.service';
import { label, t, type EnumName, type Locale, type Word } from '../web/kit/i18n';
import { EXPORT_FORMATS, ExportFormat, ExportOptions, ExportQuery } from './export.dto';
import { EXPORT_WORDS, exportWord, type ExportWord } from './export.words';

/** A cell as the formats write it: text, a number (money), a flag; null is empty. */
export type Cell = string | number | boolean | null;

/** The records a page's linked ids name: table → id → name. */
export interface Names {
  of(id: string | null | undefined): string | null;
}

/** Where a linked id's name is read; `users` only for the agency, who may read the directory. */
export type NamedTable = 'companies' | 'partners' | 'contacts' | 'leads' | 'trips' | 'users';

export interface ExportColumn<D> {
  header: Word | ExportWord;
  value: (row: D, names: Names, locale: Locale) => Cell;
  /** Fields the API gives agency users only (a contact's notes), and names of agency users. */
  agencyOnly?: boolean;
}

/** A kind's service as the export reads it: its list, page by page. */
export interface Lister<E> {
  list(actor: Actor, query: PageQuery): Promise<Page<E>>;
}

export interface ExportKind<E = unknown, D = unknown, S = unknown> {
  /** The API's and the pages' segment (`/api/v1/contacts`, `/contacts`) and the file's name. */
  name: string;
  /** The audit event's entity: the kind, singular. */
  entity: string;
  /** The list's permission: whoever reads the list exports it. */
  read: Action;
  /** The sheet's name. */
  title: Word;
  service: Type<S>;
  /** How the service lists for the caller; `service.list(actor, query)` unless it says otherwise. */
  list?: (service: S, actor: Actor, query: PageQuery) => Promise<Page<E>>;
  /** The list's query class, with the export's options (ExportQuery). */
  query: Type<ExportOptions>;
  formats: readonly ExportFormat[];
  toDto: (entity: E, actor: Actor) => D;
  /** The ids of a row whose names are shown, by the table they name. */
  links?: (row: D) => Partial<Record<NamedTable, (string | null | undefined)[]>>;
  columns: ExportColumn<D>[];
}

const kind = <E, D, S = Lister<E>>(spec: ExportKind<E, D, S>) => spec as unknown as ExportKind;

const enumOf =
  (name: EnumName) =>
  (value: string | null | undefined, locale: Locale): string | null =>
    value ? label(locale, name, value) : null;
const joined = (values: (string | null | undefined)[]): string | null =>
  values.filter(Boolean).join(', ') || null;

/** The id, created and changed: the columns every kind ends or starts with. */
const ID: ExportColumn<{ id: string }> = { header: 'id', value: (r) => r.id };
const STAMPS: ExportColumn<{ createdAt: string; updatedAt: string }>[] = [
  { header: 'createdAt', value: (r) => r.createdAt },
  { header: 'updatedAt', value: (r) => r.updatedAt },
];

const companies = kind<Company, CompanyDto>({
  name: 'companies',
  entity: 'company',
  read: 'company:read',
  title: 'companies',
  service: CompaniesService,
  query: ExportQuery(CompanyListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toCompanyDto,
  columns: [
    ID,
    { header: 'name', value: (c) => c.name },
    { header: 'legalName', value: (c) => c.legalName },
    { header: 'industry', value: (c) => c.industry },
    { header: 'city', value: (c) => c.city },
    { header: 'country', value: (c) => c.country },
    { header: 'website', value: (c) => c.website },
    { header: 'description', value: (c) => c.description },
    { header: 'branchCountries', value: (c) => joined(c.branchCountries) },
    ...STAMPS,
  ],
});

const partnerKind = enumOf('partnerKind');
const partners = kind<Partner, PartnerDto>({
  name: 'partners',
  entity: 'partner',
  read: 'partner:read',
  title: 'partners',
  service: PartnersService,
  query: ExportQuery(PartnerListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toPartnerDto,
  columns: [
    ID,
    { header: 'name', value: (p) => p.name },
    { header: 'nativeName', value: (p) => p.nativeName },
    { header: 'kind', value: (p, _, l) => partnerKind(p.kind, l) },
    { header: 'city', value: (p) => p.city },
    { header: 'country', value: (p) => p.country },
    { header: 'address', value: (p) => p.address },
    { header: 'website', value: (p) => p.website },
    { header: 'description', value: (p) => p.description },
    ...STAMPS,
  ],
});

const legalBasis = enumOf('legalBasis');
export const CONTACTS = kind<Contact, ContactDto>({
  name: 'contacts',
  entity: 'contact',
  read: 'contact:read',
  title: 'contacts',
  service: ContactsService,
  query: ExportQuery(ContactListQuery, EXPORT_FORMATS),
  formats: EXPORT_FORMATS,
  // A company user gets the company view: not the agency's notes, tags and legal basis.
  toDto: (c, actor) => toContactDto(c, actor.role === 'company' ? 'company' : 'agency'),
  links: (c) => ({ companies: [c.companyId], partners: [c.partnerId], users: [c.ownerId] }),
  columns: [
    ID,
    { header: 'name', value: (c) => personName(c) },
    { header: 'salutation', value: (c) => c.salutation },
    { header: 'familyName', value: (c) => c.familyName },
    { header: 'givenName', value: (c) => c.givenName },
    { header: 'nativeName', value: (c) => c.nativeName },
    { header: 'position', value: (c) => c.position },
    { header: 'organisation', value: (c, n) => n.of(c.companyId ?? c.partnerId) },
    { header: 'email', value: (c) => c.email },
    { header: 'phone', value: (c) => c.phone },
    { header: 'wechatId', value: (c) => c.wechatId },
    { header: 'languages', value: (c) => joined(c.languages) },
    { header: 'city', value: (c) => c.city },
    { header: 'country', value: (c) => c.country },
    { header: 'notes', value: (c) => c.notes ?? null, agencyOnly: true },
    { header: 'tags', value: (c) => joined(c.tags ?? []), agencyOnly: true },
    {
      header: 'legalBasis',
      value: (c, _, l) => legalBasis(c.legalBasis?.basis, l),
      agencyOnly: true,
    },
    { header: 'owner', value: (c, n) => n.of(c.ownerId), agencyOnly: true },
    ...STAMPS,
  ],
});

const interactionKind = enumOf('interactionKind');
const interactions = kind<InteractionRecord, InteractionDto>({
  name: 'interactions',
  entity: 'interaction',
  read: 'interaction:read',
  title: 'interactions',
  service: InteractionsService,
  query: ExportQuery(InteractionListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toInteractionDto,
  links: (i) => ({
    contacts: i.contactIds,
    companies: i.companyIds,
    partners: i.partnerIds,
    trips: [i.tripId],
    users: [i.authorId],
  }),
  columns: [
    ID,
    { header: 'occurredAt', value: (i) => i.occurredAt },
    { header: 'kind', value: (i, _, l) => interactionKind(i.kind, l) },
    { header: 'subject', value: (i) => i.subject },
    { header: 'summary', value: (i) => i.summary },
    { header: 'location', value: (i) => i.location },
    { header: 'contacts', value: (i, n) => joined(i.contactIds.map((id) => n.of(id))) },
    { header: 'companies', value: (i, n) => joined(i.companyIds.map((id) => n.of(id))) },
    { header: 'partners', value: (i, n) => joined(i.partnerIds.map((id) => n.of(id))) },
    { header: 'trip', value: (i, n) => n.of(i.tripId) },
    { header: 'confidential', value: (i) => i.confidential },
    { header: 'author', value: (i, n) => n.of(i.authorId), agencyOnly: true },
    ...STAMPS,
  ],
});

const followUpStatus = enumOf('followUpStatus');
const priority = enumOf('priority');
const followUps = kind<FollowUp, FollowUpDto>({
  name: 'follow-ups',
  entity: 'followUp',
  read: 'follow-up:read',
  title: 'followUps',
  service: FollowUpsService,
  query: ExportQuery(FollowUpListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toFollowUpDto,
  links: (f) => ({
    companies: [f.companyId],
    contacts: [f.contactId],
    partners: [f.partnerId],
    leads: [f.leadId],
    trips: [f.tripId],
    users: [f.assigneeId],
  }),
  columns: [
    ID,
    { header: 'title', value: (f) => f.title },
    { header: 'dueOn', value: (f) => f.dueOn },
    { header: 'status', value: (f, _, l) => followUpStatus(f.status, l) },
    { header: 'priority', value: (f, _, l) => priority(f.priority, l) },
    { header: 'assignee', value: (f, n) => n.of(f.assigneeId), agencyOnly: true },
    { header: 'company', value: (f, n) => n.of(f.companyId) },
    { header: 'contact', value: (f, n) => n.of(f.contactId) },
    { header: 'partner', value: (f, n) => n.of(f.partnerId) },
    { header: 'lead', value: (f, n) => n.of(f.leadId) },
    { header: 'trip', value: (f, n) => n.of(f.tripId) },
    { header: 'notes', value: (f) => f.notes },
    { header: 'completedAt', value: (f) => f.completedAt },
    ...STAMPS,
  ],
});

const stage = enumOf('stage');
const leads = kind<Lead, LeadDto>({
  name: 'leads',
  entity: 'lead',
  read: 'lead:read',
  title: 'leads',
  service: LeadsService,
  query: ExportQuery(LeadListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toLeadDto,
  links: (x) => ({
    companies: [x.companyId],
    contacts: [x.contactId],
    partners: [x.partnerId],
    trips: [x.tripId],
    users: [x.ownerId],
  }),
  columns: [
    ID,
    { header: 'title', value: (x) => x.title },
    { header: 'company', value: (x, n) => n.of(x.companyId) },
    { header: 'stage', value: (x, _, l) => stage(x.stage, l) },
    { header: 'valueEur', value: (x) => x.valueEur },
    { header: 'expectedCloseOn', value: (x) => x.expectedCloseOn },
    { header: 'contact', value: (x, n) => n.of(x.contactId) },
    { header: 'partner', value: (x, n) => n.of(x.partnerId) },
    { header: 'trip', value: (x, n) => n.of(x.tripId) },
    { header: 'description', value: (x) => x.description },
    { header: 'lostReason', value: (x) => x.lostReason },
    { header: 'owner', value: (x, n) => n.of(x.ownerId), agencyOnly: true },
    ...STAMPS,
  ],
});

const agreementKind = enumOf('agreementKind');
const agreementStatus = enumOf('agreementStatus');
const agreements = kind<Agreement, AgreementDto>({
  name: 'agreements',
  entity: 'agreement',
  read: 'agreement:read',
  title: 'agreements',
  service: AgreementsService,
  query: ExportQuery(AgreementListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toAgreementDto,
  links: (a) => ({ partners: [a.partnerId], trips: [a.tripId] }),
  columns: [
    ID,
    { header: 'title', value: (a) => a.title },
    { header: 'partner', value: (a, n) => n.of(a.partnerId) },
    { header: 'kind', value: (a, _, l) => agreementKind(a.kind, l) },
    { header: 'status', value: (a, _, l) => agreementStatus(a.status, l) },
    { header: 'signedOn', value: (a) => a.signedOn },
    { header: 'validUntil', value: (a) => a.validUntil },
    { header: 'reviewOn', value: (a) => a.reviewOn },
    { header: 'signatories', value: (a) => joined(a.signatories) },
    { header: 'trip', value: (a, n) => n.of(a.tripId) },
    { header: 'summary', value: (a) => a.summary },
    ...STAMPS,
  ],
});

const tripStatus = enumOf('tripStatus');
const trips = kind<Trip, TripDto>({
  name: 'trips',
  entity: 'trip',
  read: 'trip:read',
  title: 'trips',
  service: TripsService,
  query: ExportQuery(TripListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toTripDto,
  columns: [
    ID,
    { header: 'title', value: (x) => x.title },
    { header: 'startsOn', value: (x) => x.startsOn },
    { header: 'endsOn', value: (x) => x.endsOn },
    { header: 'status', value: (x, _, l) => tripStatus(x.status, l) },
    {
      header: 'destinations',
      value: (x) =>
        joined(x.destinations.map((d) => (d.city ? `${d.city} (${d.country})` : d.country))),
    },
    { header: 'purpose', value: (x) => x.purpose },
    ...STAMPS,
  ],
});

const role = enumOf('role');
const language = enumOf('locale');
/** The agency's and the companies' sign-ins (admins): their list takes no caller, it is all or nothing. */
const users = kind<User, UserDto, UsersService>({
  name: 'users',
  entity: 'user',
  read: 'user:read',
  title: 'users',
  service: UsersService,
  list: (service, _actor, query) => service.list(query as UserListQuery),
  query: ExportQuery(UserListQuery),
  formats: ['csv', 'xlsx'],
  toDto: toUserDto,
  links: (u) => ({ companies: [u.companyId] }),
  columns: [
    ID,
    { header: 'displayName', value: (u) => u.displayName },
    { header: 'email', value: (u) => u.email },
    { header: 'role', value: (u, _, l) => role(u.role, l) },
    { header: 'company', value: (u, n) => n.of(u.companyId) },
    { header: 'language', value: (u, _, l) => language(u.locale, l) },
    { header: 'active', value: (u) => u.active },
    { header: 'lastLogin', value: (u) => u.lastLoginAt },
    { header: 'invitation', value: (u) => u.invitation },
    ...STAMPS,
  ],
});

/** Every record list the API and the web app have, exportable with its filters. */
export const EXPORT_KINDS: readonly ExportKind[] = [
  companies,
  partners,
  CONTACTS,
  interactions,
  followUps,
  leads,
  agreements,
  trips,
  users,
];

/** The kind whose list the API has at this path (`/api/v1/contacts`), if it exports. */
export const exportKindOf = (api: string): ExportKind | undefined =>
  EXPORT_KINDS.find((k) => `/api/v1/${k.name}` === api);

export const headerOf = ({ header }: { header: Word | ExportWord }, locale: Locale): string =>
  Object.hasOwn(EXPORT_WORDS, header)
    ? exportWord(locale, header as ExportWord)
    : t(locale, header as Word);

/** The columns the caller gets: the agency's own fields only for the agency. */
export const columnsFor = (kind: ExportKind, actor: Actor): ExportColumn<unknown>[] =>
  kind.columns.filter((c) => !c.agencyOnly || isAgency(actor));
