import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { Actor } from '../auth/actor';
import { can } from '../auth/permissions';
import { stripUndefined, userIdOrMe } from '../common/dto';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { BadInput, FieldError, fieldError, NotFound, VersionConflict } from '../common/errors';
import { estimatedMatches } from '../common/estimate';
import { CURSOR_KEY, Page, Paginator, SortKey, Sorts, TieredSortKey } from '../common/pagination';
import {
  andPositional,
  filtersOnInvisible,
  hideInvisibleIds,
  scopedQuery,
  SqlCondition,
} from '../common/scope';
import { listScope, LIVE, RecordService, ServiceSpec } from '../common/records';
import { deadLinks } from '../common/references';
import { normalize, searchCondition } from '../common/search';
import { inTransaction } from '../common/transaction';
import { visibleCompanyIds } from '../companies/scope';
import { followUpScope } from '../follow-ups/scope';
import { interactionScope } from '../interactions/scope';
import { leadScope } from '../leads/scope';
import { visiblePartnerIds } from '../partners/scope';
import { HOME_TIME_ZONE, localDay } from '../trips/time';
import { Contact } from './contact.entity';
import {
  contactNameBeginsWith,
  contactNameOrder,
  contactNamePrefixOrder,
  contactSearchColumns,
} from './contact-search';
import { contactScope } from './scope';
import { CONTACT_NAMES, familyNameRequired, newContactNames } from './names';
import {
  CONTACT_DEFAULT_SORT,
  ContactListQuery,
  ContactSort,
  CreateContactDto,
  LegalBasisDto,
  TimelineEntry,
  TimelineQuery,
  UpdateContactDto,
} from './contacts.dto';
import { isUuid } from '../common/ids';

const NAME_ORDER = contactNameOrder('c');
const NAME_PREFIX_ORDER = contactNamePrefixOrder('c');

/**
 * Up to this many matches (as the planner estimates them), a search listed by name collects its
 * matches through the search indexes and sorts them: 6 ms for 3,400 matches among 200,000
 * contacts, 23 ms for 13,000 — under ten concurrent requests on two cores that makes a p95 of
 * 190 ms, so the line is drawn below that. Left to itself the planner walks contacts_name_idx in
 * name order and filters as it goes, which is quick when matches are spread over the alphabet
 * and slow when they sit together where the term is a family name: it read 190,000 rows, 230 ms,
 * to reach the first "Zhang". Beyond this many, a walk finds a page of them soon unless they all
 * share one family name. The estimate is good to some 0.3 % of the contacts (search_key keeps 300
 * statistics buckets, migration 1764162000000).
 */
const SORT_MATCHES_UP_TO = 5_000;

/**
 * A search listed by name: first the contacts whose name begins with the term, in the order of
 * contacts_name_prefix_idx (byte order, COLLATE "C"), read off it and no further than the page
 * needs; then the other matches by name (`byName`: sorted, or along contacts_name_idx, as
 * SORT_MATCHES_UP_TO decides: the planner is asked only then), queried only once the first tier
 * is exhausted. The search box ranks
 * by the same rule (contactNameBeginsWith). In the first tier the search condition is kept out of
 * the index and the estimate (coalesce(), which the planner counts as true for one row in two): a
 * name that begins with the term matches it almost always, but estimated as independent of the
 * name, the planner expected 38 of 3,351 Zhangs to match, and combined both indexes to sort them
 * all (12 ms warm, 220 ms cold) where reading the first 51 off the index in order takes 0.3 ms.
 */
function byNameInTiers(
  byName: () => Promise<SortKey<Contact>>,
  search: SqlCondition,
  beginsWith: SqlCondition,
): TieredSortKey<Contact> {
  const params = { ...search.params, ...beginsWith.params };
  return {
    tiers: [
      {
        sql: NAME_PREFIX_ORDER,
        type: 'text',
        value: nameValue,
        where: `c.deleted_at IS NULL AND ${beginsWith.sql} AND coalesce(${search.sql}, false)`,
        params,
      },
      async () => ({
        ...(await byName()),
        where: `${search.sql} AND NOT (${beginsWith.sql})`,
        params,
      }),
    ],
  };
}

/** A contact's place in the name order, as the cursor remembers it. */
const nameValue = (c: Contact): string => `${c.familyName} ${c.givenName ?? ''}`.toLowerCase();

/** The fields a change is audited by (the importer audits its writes by the same). */
export const AUDITED = [
  'familyName',
  'givenName',
  'nativeName',
  'salutation',
  'position',
  'companyId',
  'partnerId',
  'email',
  'phone',
  'wechatId',
  'languages',
  'country',
  'city',
  'notes',
  'tags',
  'ownerId',
  'legalBasis',
  'legalBasisRecordedAt',
  'legalBasisSource',
  'deletedAt',
] as const;

/** The GDPR fields, audited by the actions that set them (restrict, object and their undoing). */
const PRIVACY_AUDITED = [
  'restrictedAt',
  'restrictionReason',
  'objectedAt',
  'objectionNote',
] as const;

const TIMELINE_SORT = '-at';

/** Where a contact works, with the other name its search key holds beside the name. */
const ORGANISATIONS = [
  { field: 'companyId', table: 'companies', otherName: 'legal_name' },
  { field: 'partnerId', table: 'partners', otherName: 'native_name' },
] as const;

/** Agency roles see every contact, a company user only those linked to a live lead of its company. */
const CONTACT: ServiceSpec<Contact> = {
  entity: Contact,
  table: 'contacts',
  kind: 'contact',
  alias: 'c',
  scope: contactScope,
  mergeable: true,
  names: CONTACT_NAMES,
};

@Injectable()
export class ContactsService extends RecordService<Contact, Contact> {
  protected readonly spec = CONTACT;

  constructor(
    @InjectDataSource() db: DataSource,
    paginator: Paginator,
    audit: AuditService,
    @Inject(CURSOR_KEY) private readonly cursorKey: Buffer,
  ) {
    super(db, paginator, audit);
  }

  /** What a contact reveals of others: only what the caller may see (README, "what an answer reveals"). */
  private reveal(actor: Actor, contacts: Contact[], manager: EntityManager = this.db.manager) {
    return hideInvisibleIds(contacts, {
      companyId: visibleCompanyIds(manager, actor),
      partnerId: visiblePartnerIds(manager, actor),
    });
  }

  async list(actor: Actor, query: ContactListQuery): Promise<Page<Contact>> {
    const qb = listScope(actor, query, 'contact:write', (deleted) =>
      this.scoped(actor, this.db.manager, deleted),
    );
    const { q } = query;
    const search = q === undefined ? undefined : searchCondition('c', q);
    const listedByName = (query.sort ?? CONTACT_DEFAULT_SORT).replace(/^-/, '') === 'name';
    // Searched and listed by name, names that begin with the term come first (byNameInTiers), and
    // each tier carries the search condition in its own form. The deleted (whom
    // contacts_name_prefix_idx does not hold) are listed by name alone, as is a term with nothing
    // searchable in it (it finds nothing).
    const beginsWith =
      q !== undefined && listedByName && !query.deleted && normalize(q) !== ''
        ? contactNameBeginsWith('c', q)
        : undefined;
    if (search && !beginsWith) qb.andWhere(search.sql, search.params);
    // A filter by a record the caller may not see finds nothing.
    if (
      await filtersOnInvisible([
        [query.companyId, visibleCompanyIds(this.db.manager, actor)],
        [query.partnerId, visiblePartnerIds(this.db.manager, actor)],
      ])
    )
      qb.andWhere('FALSE');
    if (query.companyId) qb.andWhere('c.company_id = :companyId', { companyId: query.companyId });
    if (query.partnerId) qb.andWhere('c.partner_id = :partnerId', { partnerId: query.partnerId });
    if (query.ownerId)
      qb.andWhere('c.owner_id = :ownerId', { ownerId: userIdOrMe(query.ownerId, actor) });
    if (query.country) qb.andWhere('c.country = :country', { country: query.country });
    if (query.tag) qb.andWhere('c.tags @> CAST(:tags AS text[])', { tags: [query.tag] });
    // Through contacts_restricted_idx; only admins see restricted contacts at all (scope.ts).
    if (query.restricted !== undefined)
      qb.andWhere(query.restricted ? 'c.restricted_at IS NOT NULL' : 'c.restricted_at IS NULL');
    // Sorting the matches instead of walking the name index: an expression of the same value
    // that no index is built on, so the planner collects the matches first.
    const byName = async (): Promise<SortKey<Contact>> => {
      const sortMatches =
        search !== undefined &&
        listedByName &&
        (await estimatedMatches(
          beginsWith ? qb.clone().andWhere(search.sql, search.params) : qb,
        )) <= SORT_MATCHES_UP_TO;
      return {
        sql: sortMatches ? `${NAME_ORDER} || ''` : NAME_ORDER,
        type: 'text',
        value: nameValue,
      };
    };
    const sorts: Sorts<Contact, ContactSort> = {
      name: search && beginsWith ? byNameInTiers(byName, search, beginsWith) : await byName(),
      createdAt: { sql: 'c.created_at', type: 'timestamptz', value: (c) => c.createdAt },
      updatedAt: { sql: 'c.updated_at', type: 'timestamptz', value: (c) => c.updatedAt },
    };
    const page = await this.paginator.page(qb, query, {
      sorts,
      defaultSort: CONTACT_DEFAULT_SORT,
      idColumn: 'c.id',
    });
    await this.reveal(actor, page.items);
    return page;
  }

  protected override async shown(
    actor: Actor,
    contact: Contact,
    manager: EntityManager,
  ): Promise<Contact> {
    await this.reveal(actor, [contact], manager);
    return contact;
  }

  async create(actor: Actor, dto: CreateContactDto, manager?: EntityManager): Promise<Contact> {
    const names = newContactNames(dto);
    if (!names) throw new BadInput([familyNameRequired()]);
    return inTransaction(this.db, manager, async (em) => {
      const companyId = dto.companyId ?? null;
      const partnerId = dto.partnerId ?? null;
      const ownerId = dto.ownerId ?? actor.userId;
      const organisation = await this.checkReferences(em, {
        companyId,
        partnerId,
        ownerId: dto.ownerId,
        changed: { companyId: true, partnerId: true, ownerId: dto.ownerId !== undefined },
      });
      const values: Partial<Contact> = {
        familyName: names.familyName,
        givenName: names.givenName,
        nativeName: dto.nativeName ?? null,
        salutation: dto.salutation ?? null,
        position: dto.position ?? null,
        companyId,
        partnerId,
        email: dto.email ?? null,
        phone: dto.phone ?? null,
        wechatId: dto.wechatId ?? null,
        languages: dto.languages ?? [],
        country: dto.country ?? null,
        city: dto.city ?? null,
        notes: dto.notes ?? null,
        tags: dto.tags ?? [],
        ownerId,
        ...legalBasisColumns(dto.legalBasis ?? null),
      };
      const { identifiers } = await em.insert(Contact, {
        ...values,
        ...contactSearchColumns(values as Contact, organisation),
      });
      return this.created(em, actor, identifiers[0].id as string, AUDITED);
    });
  }

  async update(actor: Actor, id: string, version: number, dto: UpdateContactDto): Promise<Contact> {
    return this.edit(actor, id, version, async (before, em) => {
      if (before.version !== version) throw new VersionConflict(before.version);
      const { legalBasis, ...fields } = stripUndefined(dto);
      const values: Partial<Contact> = {
        ...fields,
        ...(legalBasis !== undefined && legalBasisColumns(legalBasis)),
      };
      const next = { ...before, ...values } as Contact;
      // Leaving an organisation: hold it too, so that its concurrent rename does not write its
      // new name into our key after we moved away.
      if (before.companyId && before.companyId !== next.companyId)
        await em.query('SELECT 1 FROM companies WHERE id = $1 FOR SHARE', [before.companyId]);
      if (before.partnerId && before.partnerId !== next.partnerId)
        await em.query('SELECT 1 FROM partners WHERE id = $1 FOR SHARE', [before.partnerId]);
      const organisation = await this.checkReferences(em, {
        companyId: next.companyId,
        partnerId: next.partnerId,
        ownerId: dto.ownerId,
        changed: {
          companyId: next.companyId !== before.companyId,
          partnerId: next.partnerId !== before.partnerId,
          ownerId: dto.ownerId !== undefined && dto.ownerId !== before.ownerId,
        },
      });
      return {
        values: { ...values, ...contactSearchColumns(next, organisation) },
        scope: LIVE,
        audited: AUDITED,
      };
    });
  }

  /**
   * Restricts the processing (GDPR art. 18): from now on only admins see the contact (scope.ts).
   * Restricting again keeps the first instant and takes the new reason.
   */
  restrict(actor: Actor, id: string, version: number, reason: string): Promise<Contact> {
    return this.privacyChange(actor, id, version, 'restrict', (before) => ({
      restrictedAt: before.restrictedAt ?? new Date(),
      restrictionReason: reason,
    }));
  }

  /** Lifts a restriction: the contact is seen again as before. Only those who see it can. */
  liftRestriction(actor: Actor, id: string, version: number): Promise<Contact> {
    return this.privacyChange(actor, id, version, 'lift-restriction', (before) =>
      before.restrictedAt ? { restrictedAt: null, restrictionReason: null } : null,
    );
  }

  /** Records an objection (GDPR art. 21) made on `day` (Berlin), today when absent. */
  object(
    actor: Actor,
    id: string,
    version: number,
    note: string | null,
    day: string | undefined,
  ): Promise<Contact> {
    if (day && day > localDay(new Date(), HOME_TIME_ZONE))
      throw BadInput.field('at', 'when', 'at must not be after today');
    // Noon UTC lies on the same day in Berlin, summer or winter.
    const at = day ? new Date(`${day}T12:00:00Z`) : new Date();
    return this.privacyChange(actor, id, version, 'object', () => ({
      objectedAt: at,
      objectionNote: note,
    }));
  }

  /** Withdraws a recorded objection. */
  withdrawObjection(actor: Actor, id: string, version: number): Promise<Contact> {
    return this.privacyChange(actor, id, version, 'withdraw-objection', (before) =>
      before.objectedAt ? { objectedAt: null, objectionNote: null } : null,
    );
  }

  /** A GDPR action: the versioned update of its columns, audited under its own action. */
  private privacyChange(
    actor: Actor,
    id: string,
    version: number,
    action: string,
    values: (before: Contact) => Partial<Contact> | null,
  ): Promise<Contact> {
    // The record before is the one the caller sees; read again after the write, a contact the
    // caller has just restricted is still answered to it.
    const lookup = (em: EntityManager) => ({
      locked: () => this.get(actor, id, em),
      get: async () => {
        const contact = await scopedQuery(
          em,
          Contact,
          'c',
          contactScope(actor, 'c', { withRestricted: true }),
        )
          .andWhere('c.id = :id', { id })
          .getOne();
        if (!contact) throw new NotFound('contact', id);
        return this.shown(actor, contact, em);
      },
    });
    return this.editThrough(lookup, actor, id, version, async (before) => {
      if (before.version !== version) throw new VersionConflict(before.version);
      const set = values(before);
      if (!set) return null;
      return { values: set, scope: LIVE, audited: PRIVACY_AUDITED, action };
    });
  }

  /**
   * What happened with a contact, newest first, in one query: its interactions when they took
   * place; its follow-ups when done, else on the day they are due (in Berlin), else when written
   * down; its leads when created and at every change of stage (from the audit trail). Each branch
   * carries the caller's scope: no interactions for a company user (nor confidential ones for a
   * viewer), only its own company's leads and the follow-ups assigned to it or its company.
   * A lead's items share its id, so the order's tie-breaker is the item's `key` (the record's id,
   * or the audit event's for a change of stage).
   */
  async timeline(actor: Actor, id: string, query: TimelineQuery): Promise<Page<TimelineEntry>> {
    await this.get(actor, id);
    const params: unknown[] = [id];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    // Every branch has these columns, in this order; what does not apply is NULL.
    const row = (columns: Partial<Record<(typeof TIMELINE_COLUMNS)[number], string>>) =>
      TIMELINE_COLUMNS.map(
        (c) => `${columns[c] ?? `NULL::${TIMELINE_COLUMN_TYPES[c]}`} AS ${c}`,
      ).join(', ');
    const branches: string[] = [];
    if (can(actor.role, 'interaction:read')) {
      const scope = andPositional(interactionScope(actor, 'i'), param);
      branches.push(`
        SELECT ${row({
          type: `'interaction'`,
          event: `'occurred'`,
          id: 'i.id',
          key: 'i.id',
          at: 'i.occurred_at',
          title: 'i.subject',
          kind: 'i.kind',
          summary: `CASE WHEN length(i.summary) > ${SUMMARY_LENGTH}
                      THEN left(i.summary, ${SUMMARY_LENGTH - 1}) || '…' ELSE i.summary END`,
          location: 'i.location',
          confidential: 'i.confidential',
          trip_id: 'i.trip_id',
        })}
        FROM interaction_contacts ic
        JOIN interactions i ON i.id = ic.interaction_id
        WHERE ic.contact_id = $1 AND i.deleted_at IS NULL ${scope}`);
    }
    if (can(actor.role, 'follow-up:read')) {
      const scope = andPositional(followUpScope(actor, 'f'), param);
      const done = `f.status = 'done' AND f.completed_at IS NOT NULL`;
      branches.push(`
        SELECT ${row({
          type: `'followUp'`,
          event: `CASE WHEN ${done} THEN 'completed' WHEN f.due_on IS NOT NULL THEN 'due'
                  ELSE 'created' END`,
          id: 'f.id',
          key: 'f.id',
          at: `CASE WHEN ${done} THEN f.completed_at
               WHEN f.due_on IS NOT NULL THEN f.due_on::timestamp AT TIME ZONE ${param(HOME_TIME_ZONE)}
               ELSE f.created_at END`,
          title: 'f.title',
          status: 'f.status',
          priority: 'f.priority',
          due_on: 'f.due_on',
          completed_at: 'f.completed_at',
        })}
        FROM follow_ups f
        WHERE f.contact_id = $1 AND f.deleted_at IS NULL ${scope}`);
    }
    if (can(actor.role, 'lead:read')) {
      const scope = andPositional(leadScope(actor, 'l'), param);
      const lead = {
        type: `'lead'`,
        id: 'l.id',
        title: 'l.title',
        value_eur: 'l.value_eur',
        company_id: 'l.company_id',
      };
      branches.push(`
        SELECT ${row({
          ...lead,
          event: `'created'`,
          key: 'l.id',
          at: 'l.created_at',
          // The stage it was created in: before its first change, if it changed since.
          stage: `COALESCE((SELECT first.changes -> 'stage' ->> 'before' FROM audit_events first
            WHERE first.entity = 'lead' AND first.entity_id = l.id AND first.action = 'update'
              AND first.changes -> 'stage' IS NOT NULL
            ORDER BY first.at, first.id LIMIT 1), l.stage)`,
        })}
        FROM leads l
        WHERE l.contact_id = $1 AND l.deleted_at IS NULL ${scope}`);
      // Through audit_events_entity_idx: the few events of each of the contact's leads.
      branches.push(`
        SELECT ${row({
          ...lead,
          event: `'stageChanged'`,
          key: 'e.id',
          at: 'e.at',
          stage: `e.changes -> 'stage' ->> 'after'`,
          from_stage: `e.changes -> 'stage' ->> 'before'`,
        })}
        FROM leads l
        JOIN audit_events e ON e.entity = 'lead' AND e.entity_id = l.id
        WHERE l.contact_id = $1 AND l.deleted_at IS NULL ${scope}
          AND e.action = 'update' AND e.changes -> 'stage' IS NOT NULL`);
    }
    if (branches.length === 0) return { items: [], nextCursor: null };

    let after = '';
    if (query.cursor !== undefined) {
      const cursor = decodeCursor(this.cursorKey, query.cursor);
      if (
        !cursor ||
        cursor.sort !== TIMELINE_SORT ||
        typeof cursor.value !== 'string' ||
        Number.isNaN(Date.parse(cursor.value)) ||
        !isUuid(cursor.id)
      ) {
        throw BadInput.field('cursor', 'cursor', 'cursor is not one this server issued');
      }
      after = `WHERE (t.at, t.key) < (${param(cursor.value)}::timestamptz, ${param(cursor.id)}::uuid)`;
    }
    const rows = (await this.db.query(
      `SELECT * FROM (${branches.join('\n UNION ALL')}) t
       ${after}
       ORDER BY t.at DESC, t.key DESC
       LIMIT ${param(query.limit + 1)}`,
      params,
    )) as TimelineRow[];
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toTimelineEntry),
      nextCursor:
        hasMore && last
          ? encodeCursor(this.cursorKey, {
              sort: TIMELINE_SORT,
              value: last.at.toISOString(),
              id: last.key,
            })
          : null,
    };
  }

  /**
   * Checks what a contact points to and returns its organisation's names for the search key.
   * A newly set company or partner must exist and not be deleted, a new owner must be an active
   * agency user; each failure is a 400 naming its field. The organisation row is locked FOR
   * SHARE, so a concurrent rename (which rebuilds its contacts' keys) waits for us or we for it,
   * and neither key goes stale.
   */
  private async checkReferences(
    em: EntityManager,
    refs: {
      companyId: string | null;
      partnerId: string | null;
      ownerId: string | undefined;
      changed: { companyId: boolean; partnerId: boolean; ownerId: boolean };
    },
  ): Promise<(string | null)[]> {
    if (refs.companyId && refs.partnerId) {
      const message =
        'a contact works at a company or at a partner, not both; clear one of companyId and partnerId';
      throw new BadInput([
        fieldError('companyId', 'oneOrganisation', message),
        fieldError('partnerId', 'oneOrganisation', message),
      ]);
    }
    // Read FOR SHARE (more than the link check's lock): a rename of the organisation rebuilds
    // its contacts' keys, and must wait for this one's or be seen by it.
    let organisation: (string | null)[] = [];
    for (const { field, table, otherName } of ORGANISATIONS) {
      if (!refs[field]) continue;
      const [row] = (await em.query(
        `SELECT name, ${otherName} AS other_name FROM ${table} WHERE id = $1 FOR SHARE`,
        [refs[field]],
      )) as { name: string; other_name: string | null }[];
      if (row) organisation = [row.name, row.other_name];
    }
    const errors: FieldError[] = await deadLinks(
      em,
      ORGANISATIONS.map(({ field, table }) => ({
        field,
        table,
        id: refs.changed[field] ? refs[field] : null,
      })),
    );
    if (refs.changed.ownerId && refs.ownerId) {
      const rows = (await em.query(
        `SELECT 1 FROM users WHERE id = $1 AND active AND role IN ('admin', 'staff')`,
        [refs.ownerId],
      )) as unknown[];
      if (rows.length === 0)
        errors.push(fieldError('ownerId', 'agencyUser', 'ownerId must be an active agency user'));
    }
    if (errors.length) throw new BadInput(errors);
    return organisation;
  }
}

function legalBasisColumns(
  legalBasis: LegalBasisDto | null,
): Pick<Contact, 'legalBasis' | 'legalBasisRecordedAt' | 'legalBasisSource'> {
  if (!legalBasis) return { legalBasis: null, legalBasisRecordedAt: null, legalBasisSource: null };
  return {
    legalBasis: legalBasis.basis,
    legalBasisRecordedAt: legalBasis.recordedAt ? new Date(legalBasis.recordedAt) : new Date(),
    legalBasisSource: legalBasis.source ?? null,
  };
}

/** The columns of every branch of the timeline's UNION ALL, with their SQL types. */
const TIMELINE_COLUMN_TYPES = {
  type: 'text',
  event: 'text',
  id: 'uuid',
  key: 'uuid',
  at: 'timestamptz',
  title: 'text',
  kind: 'text',
  summary: 'text',
  location: 'text',
  confidential: 'boolean',
  trip_id: 'uuid',
  status: 'text',
  priority: 'text',
  due_on: 'date',
  completed_at: 'timestamptz',
  stage: 'text',
  from_stage: 'text',
  value_eur: 'numeric',
  company_id: 'uuid',
} as const;
const TIMELINE_COLUMNS = Object.keys(
  TIMELINE_COLUMN_TYPES,
) as (keyof typeof TIMELINE_COLUMN_TYPES)[];

/** An interaction's summary in the timeline: enough to read, never a whole report. */
const SUMMARY_LENGTH = 500;

interface TimelineRow {
  type: TimelineEntry['type'];
  event: TimelineEntry['event'];
  id: string;
  key: string;
  at: Date;
  title: string;
  kind: string | null;
  summary: string | null;
  location: string | null;
  confidential: boolean | null;
  trip_id: string | null;
  status: string | null;
  priority: string | null;
  due_on: string | null;
  completed_at: Date | null;
  stage: string | null;
  from_stage: string | null;
  /** numeric arrives as a string */
  value_eur: string | null;
  company_id: string | null;
}

const toTimelineEntry = (row: TimelineRow): TimelineEntry => ({
  type: row.type,
  event: row.event,
  id: row.id,
  at: row.at,
  title: row.title,
  kind: row.kind,
  summary: row.summary,
  location: row.location,
  confidential: row.confidential,
  tripId: row.trip_id,
  status: row.status,
  priority: row.priority,
  dueOn: row.due_on,
  completedAt: row.completed_at,
  stage: row.stage,
  fromStage: row.from_stage,
  valueEur: row.value_eur === null ? null : Number(row.value_eur),
  companyId: row.company_id,
});
